"""Disclosure control in figures: suppressed cells marked, synthetic data stamped, the data behind checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from cosie_analysis._checks import check_lang
from cosie_analysis.report.disclosure.checks import check_exportable
from cosie_analysis.report.disclosure.table import export_notes
from cosie_analysis.report.sdc import SUPPRESSED_MARK, DisclosureError
from cosie_analysis.words import word

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["mark_suppressed", "mark_synthetic", "prepare_figure"]


def mark_suppressed(ax: Axes, x, *, y=0.0, lang: str = "nl") -> Axes:
    """Mark suppressed cells in a figure: open grey markers at ``(x, y)`` and a legend entry.

    Plot the suppressed values as missing (NaN: a gap in a line, no bar), then call this with their
    x positions. The markers have ``gid="suppressed"`` and the label "onderdrukt (.)" /
    "suppressed (.)"; call ``ax.legend()`` afterwards to show it.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to mark.
    x : scalar or sequence
        The x positions of the suppressed values (in the axes' data coordinates).
    y : float or sequence of float, default 0.0
        Where to put the markers; broadcast to the shape of ``x``.
    lang : {"nl", "en"}, default "nl"
        Language of the legend label.

    Returns
    -------
    matplotlib.axes.Axes
        The same axes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([2019, 2020, 2021], [23.0, float("nan"), 31.0])  # SYNTHETIC; 2020 suppressed
    >>> ax = mark_suppressed(ax, [2020], lang="en")
    >>> [(c.get_label(), c.get_gid()) for c in ax.collections]
    [('suppressed (.)', 'suppressed')]
    >>> plt.close(fig)
    """
    check_lang(lang)
    xs = np.atleast_1d(np.asarray(x, dtype=object))
    if len(xs) == 0:
        return ax
    ys = np.broadcast_to(np.asarray(y, dtype=float), xs.shape)
    label = word("sdc_suppressed", lang).format(mark=SUPPRESSED_MARK)
    ax.scatter(list(xs), ys, marker="o", s=30, facecolors="none", edgecolors="0.45", linewidths=1.0,
               zorder=5, label=label, gid="suppressed", clip_on=False)
    return ax


def mark_synthetic(fig: Figure, *, lang: str = "nl") -> Text:
    """Stamp a figure as synthetic: a large diagonal watermark (``gid="synthetic"``)."""
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL

    check_lang(lang)
    return fig.text(0.5, 0.5, SYNTHETIC_LABEL[lang], rotation=25, ha="center", va="center", fontsize=16,
                    color="0.5", alpha=0.35, gid="synthetic", zorder=100)


def _figure_texts(fig: Figure) -> list[str]:
    """Every text a figure shows: texts, titles, axis and tick labels, legend entries, artist labels."""
    found: list[object] = [t.get_text() for t in fig.texts]  # labels need not be str: filtered at the end
    for ax in fig.get_axes():
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels()]
        found += [a.get_label() for a in ax.get_children() if hasattr(a, "get_label")]
        legend = ax.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if isinstance(t, str) and t and not t.startswith("_")]


def prepare_figure(
    fig: Figure, data: pd.DataFrame | None, *, published: bool, person_level: bool | None = None, lang: str = "nl"
) -> list[str]:
    """Check the data behind a figure for export; watermark it when synthetic; return its notes.

    Raises :class:`DisclosureError` as :func:`check_exportable` does. Without ``data`` the figure's
    own texts (labels, legend, ticks) are searched for pilot data: a figure of pilot data is refused
    with ``published=True``, and one of person-level pilot data needs ``data=`` (the protected frame
    behind it). Returns :func:`export_notes` for the caption or the source line under the figure.
    """
    from cosie_analysis.pilot.provenance import pilot_provenance
    from cosie_analysis.pilot.register import SYNTHETIC_LABEL, is_synthetic

    check_lang(lang)
    shown = pd.DataFrame({"figure_text": _figure_texts(fig)}, dtype=object)
    in_figure = pilot_provenance(shown)
    if in_figure is not None and published:
        raise DisclosureError("published=True, but the figure shows pilot-register data (its labels say so), which "
                              "are not published statistics. Pass published=False and data= (the protected frame "
                              "behind the figure).")
    synthetic = bool((in_figure or {}).get("synthetic"))
    if data is None:
        if in_figure is not None and in_figure["person_level"]:
            raise DisclosureError("The figure shows person-level pilot-register data but no data= was passed: pass the "
                                  "protected frame behind the figure (protect(...)), so that it can be checked.")
        notes = [SYNTHETIC_LABEL[lang]] if synthetic else []
    else:
        check_exportable(data, published=published, person_level=person_level)
        synthetic = synthetic or is_synthetic(data)
        notes = export_notes(data, lang=lang)
    if synthetic and not any(t.get_gid() == "synthetic" for t in fig.texts):
        mark_synthetic(fig, lang=lang)
    return notes
