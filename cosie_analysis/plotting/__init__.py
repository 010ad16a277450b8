"""Axes-level plot functions for reports and notebooks: ``ax=None`` in, the Axes out.

They use the package's palette (fixed colour, line style and marker per region role), Dutch or
English labels (``lang``), decimal commas in Dutch, units on the axes, and no titles (captions belong
in the report). Draw inside :func:`cosie_analysis.style.report_style` for the report look.

The functions live in ``axes`` (shared axis formatting), ``phase_bands`` (the corona phases on a
time axis), ``series`` (plots over time) and ``comparison`` (values side by side); import them from
here.
"""

from __future__ import annotations

from cosie_analysis.plotting.axes import format_axes, midpoints
from cosie_analysis.plotting.comparison import plot_event_study, plot_phase_comparison, plot_ranking
from cosie_analysis.plotting.phase_bands import draw_phases, drop_phase_labels, phase_legend_handles
from cosie_analysis.plotting.series import plot_its, plot_synthetic_control, plot_timeseries

__all__ = [
    "plot_timeseries",
    "plot_phase_comparison",
    "plot_its",
    "plot_synthetic_control",
    "plot_event_study",
    "plot_ranking",
    "format_axes",
    "drop_phase_labels",
    "phase_legend_handles",
    "midpoints",
    "draw_phases",
]
