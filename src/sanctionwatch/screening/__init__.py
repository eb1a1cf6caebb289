"""Screening people, companies and vessels against the loaded sanctions lists.

``normalise`` (scripts, romanisation, company forms, hull numbers), ``index``
(candidate blocking), ``features`` + ``algorithms`` (named, versioned,
explainable scoring), ``screen`` (:class:`~sanctionwatch.screening.screen.Screener`,
batch rows) and ``config`` (index settings). ``dprk-v2`` is the default
algorithm; ``dprk-v1`` stays registered and reproducible. The evaluation sets live
in ``bench/`` (labelled, mutation, must-not-match), apart from the code they measure.
"""
