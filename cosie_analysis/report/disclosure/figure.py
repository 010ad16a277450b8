"""Disclosure control in figures: suppressed cells marked, synthetic data stamped, the data behind checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from cosie_analysis._checks import check_lang
from cosie_analysis._sdc import DisclosureError, mark_suppressed  # mark_suppressed re-exported here
from cosie_analysis.report.disclosure.checks import check_exportable
from cosie_analysis.report.disclosure.table import export_notes

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure
    from matplotlib.text import Text

__all__ = ["mark_suppressed", "mark_synthetic", "prepare_figure"]


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
