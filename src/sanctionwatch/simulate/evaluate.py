"""Score detected events against a simulator's ground truth (``truth.json``).

A detected event matches a true event when they have the same type, the same
vessel(s) (an unordered pair for two-vessel events) and overlapping times (each
widened by ``tolerance_h``, so instantaneous events such as identity changes can
meet). Matching is one-to-one, largest overlap first: an event detected twice
counts once, and the extra piece is a false positive. Decoys (situations the
truth says must *not* give an event of some type) are reported when any detected
event of that type touches the decoy's vessel(s) and time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow as pa

from ..events.build import event_records
from ..model.events import EVENT_TYPES


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Precision and recall of one event type."""

    type: str
    truth: int
    detected: int
    matched: int

    @property
    def precision(self) -> float:
        """Matched detections over detections (1.0 when nothing was detected and nothing was true)."""
        return self.matched / self.detected if self.detected else (1.0 if self.truth == 0 else 0.0)

    @property
    def recall(self) -> float:
        """Matched true events over true events (1.0 when there were none)."""
        return self.matched / self.truth if self.truth else 1.0


@dataclass(frozen=True)
class Evaluation:
    """Scores per type and the decoys that were wrongly reported."""

    scores: dict[str, TypeScore]
    decoys: int
    decoys_reported: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)

    def table(self) -> str:
        """A plain-text table of the scores."""
        lines = [f"{'type':16} {'truth':>6} {'found':>6} {'match':>6} {'precision':>9} {'recall':>7}"]
        for s in self.scores.values():
            lines.append(f"{s.type:16} {s.truth:6d} {s.detected:6d} {s.matched:6d} {s.precision:9.3f} {s.recall:7.3f}")
        lines.append(f"decoys reported: {len(self.decoys_reported)} of {self.decoys}")
        return "\n".join(lines)


def _ts(value: str) -> float:
    return datetime.fromisoformat(value).timestamp()  # Python 3.11 reads the Z suffix


def _vessels(item: dict[str, Any]) -> frozenset[int]:
    return frozenset(int(v) for v in (item.get("mmsi"), item.get("other_mmsi")) if v is not None)


def _overlap_s(a: dict[str, Any], b: dict[str, Any], tolerance_s: float) -> float:
    """Length of the overlap of the two widened intervals (negative when apart)."""
    lo = max(_ts(a["start"]), _ts(b["start"])) - tolerance_s
    hi = min(_ts(a["end"]), _ts(b["end"])) + tolerance_s
    return hi - lo


def evaluate(events: pa.Table, truth: dict[str, Any], *, tolerance_h: float = 1.0) -> Evaluation:
    """Per-type precision/recall of ``events`` (``EVENTS`` table) against ``truth``."""
    tol = tolerance_h * 3600.0
    detected = list(event_records(events))
    true_events = truth.get("events", [])
    scores: dict[str, TypeScore] = {}
    missed: list[dict[str, Any]] = []
    false_pos: list[dict[str, Any]] = []
    for kind in EVENT_TYPES:
        t_list = [e for e in true_events if e["type"] == kind]
        d_list = [e for e in detected if e["type"] == kind]
        by_vessels: dict[frozenset[int], list[int]] = {}
        for j, d in enumerate(d_list):
            by_vessels.setdefault(_vessels(d), []).append(j)
        candidates = []
        for i, t in enumerate(t_list):
            for j in by_vessels.get(_vessels(t), []):
                ov = _overlap_s(t, d_list[j], tol)
                if ov >= 0:
                    candidates.append((ov, i, j))
        candidates.sort(key=lambda c: -c[0])
        used_t: set[int] = set()
        used_d: set[int] = set()
        for _, i, j in candidates:
            if i not in used_t and j not in used_d:
                used_t.add(i)
                used_d.add(j)
        scores[kind] = TypeScore(kind, len(t_list), len(d_list), len(used_t))
        missed += [t for i, t in enumerate(t_list) if i not in used_t]
        false_pos += [d for j, d in enumerate(d_list) if j not in used_d]
    reported = []
    for decoy in truth.get("decoys", []):
        vessels = _vessels(decoy)
        hits = [
            d
            for d in detected
            if d["type"] == decoy["must_not"] and vessels <= _vessels(d) and _overlap_s(decoy, d, 0.0) >= 0
        ]
        if hits:
            reported.append({**decoy, "reported_as": [h["event_id"] for h in hits]})
    return Evaluation(scores, len(truth.get("decoys", [])), reported, missed, false_pos)
