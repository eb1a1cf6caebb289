"""Settings of the candidate index (``SANCTIONWATCH_SCREENING_*``).

Scoring weights are not here: they belong to a named algorithm version (see
:mod:`sanctionwatch.screening.algorithms`), so changing one means a new version.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..settings import PREFIX, settings_group

SCREENING_PREFIX = PREFIX + "SCREENING_"


@settings_group(SCREENING_PREFIX)
@dataclass(frozen=True)
class ScreeningConfig:
    """How many candidates the index hands to the scorer, and how it finds them."""

    max_candidates: int = field(
        default=12, metadata={"help": "entities per query name passed from the index to the scoring algorithm"}
    )
    max_postings: int = field(
        default=2000,
        metadata={"help": "index keys shared by more names than this are skipped when the query has rarer keys"},
    )
    fuzzy_min_length: int = field(
        default=4, metadata={"help": "shortest query token looked up by edit distance when it has no exact key"}
    )
    fuzzy_min_similarity: float = field(
        default=0.7, metadata={"help": "normalised Levenshtein similarity for a one-typo index lookup"}
    )
    max_joined_tokens: int = field(
        default=5, metadata={"help": "names with at most this many tokens are also indexed written together"}
    )
