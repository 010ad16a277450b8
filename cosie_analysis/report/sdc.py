"""The disclosure-control arithmetic, re-exported: it lives in :mod:`cosie_analysis._sdc` (base layer).

Kept so that ``cosie_analysis.report.sdc`` imports keep working; the rules are described in
:mod:`cosie_analysis.report.disclosure`.
"""

from __future__ import annotations

from cosie_analysis._sdc import (
    DISCLOSURE_COLUMN,
    DISCLOSURE_STATUSES,
    PERSON_LEVEL_UNITS,
    SUPPRESSED_MARK,
    DisclosureError,
    DisclosureRules,
    mark_suppressed,
    protect,
    round_to_base,
    suppress_small_n,
)

__all__ = [
    "DISCLOSURE_COLUMN",
    "DISCLOSURE_STATUSES",
    "PERSON_LEVEL_UNITS",
    "SUPPRESSED_MARK",
    "DisclosureError",
    "DisclosureRules",
    "mark_suppressed",
    "protect",
    "round_to_base",
    "suppress_small_n",
]
