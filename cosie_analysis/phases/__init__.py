"""The Dutch corona timeline and the before/during/after phases: the one place that defines them.

A *phase scheme* splits time into three half-open intervals of days::

    before = (-inf, during_start)    during = [during_start, during_end)    after = [during_end, +inf)

The start day of ``during`` is included in ``during``; its end day is not (it is the first day of
``after``). Where ``during`` starts and ends is an analyst's choice, not a published standard (no CBS
or SCP publication defines an "after corona" date); the three built-in schemes record the choice and
its rationale, and every result carries the scheme and the rule it used.

Data of any frequency is assigned a phase by :func:`assign_phase`: days and timestamps fall in exactly
one phase; a month, quarter or year (a CBS period code such as ``2020MM03``, ``2020KW01``,
``2020JJ00``, or a pandas Period) that straddles a boundary follows a stated ``rule``.

The timeline (:func:`load_timeline`) is package data, typed from the project's sourced facts file:
one row per dated event with its source.

The package holds three modules: :mod:`~cosie_analysis.phases.schemes` (the schemes and their
sub-phases), :mod:`~cosie_analysis.phases.timeline` (the sourced timeline) and
:mod:`~cosie_analysis.phases.assign` (assignment of any kind of time value). Import from
``cosie_analysis.phases``.
"""

from __future__ import annotations

from cosie_analysis.phases.assign import assign_phase, assign_subphase
from cosie_analysis.phases.schemes import (
    PHASE_LABELS,
    PHASES,
    RULES,
    SCHEMES,
    PhaseScheme,
    Subphase,
    _day,  # noqa: F401  (used by plotting.draw_phases)
    get_scheme,
    phase_label,
)
from cosie_analysis.phases.timeline import TIMELINE_COLUMNS, TIMELINE_KINDS, load_timeline

__all__ = [
    "PHASES",
    "PHASE_LABELS",
    "RULES",
    "SCHEMES",
    "TIMELINE_COLUMNS",
    "TIMELINE_KINDS",
    "PhaseScheme",
    "Subphase",
    "assign_phase",
    "assign_subphase",
    "get_scheme",
    "load_timeline",
    "phase_label",
]
