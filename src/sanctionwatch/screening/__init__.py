"""Screening people, companies and vessels against the loaded sanctions lists.

``normalise`` (scripts, romanisation, company forms, hull numbers), ``index``
(candidate blocking), ``features`` + ``algorithms`` (named, versioned,
explainable scoring), ``screen`` (:class:`~sanctionwatch.screening.screen.Screener`,
batch rows), ``config`` (index settings) and ``labelled`` (the benchmark set
built from the real lists).
"""
