"""What every report figure builder shares: the context it draws from (:class:`ReportContext`), the
output it returns (:class:`FigureOutput`), and the small steps several builders take (picking rows,
a figure with constrained layout, one legend above the panels)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["ReportContext", "FigureOutput"]


@dataclass(frozen=True)
class ReportContext:
    """What every builder gets: the observation table, the crosswalk, the data hash and the phases."""

    obs: pd.DataFrame
    crosswalk: pd.DataFrame
    data_sha256: str
    scheme: str = "measures"
    rule: str = "majority"
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def once(self, key, compute: Callable[[], object]):
        """Compute a result once per report (both languages draw from it)."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]


@dataclass
class FigureOutput:
    """A built figure: the Figure, its source line and tables, and the size to save it at."""

    fig: object
    source: str
    source_tables: list[str]
    height_mm: float = 96
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _rows(obs: pd.DataFrame, **eq) -> pd.DataFrame:
    mask = np.ones(len(obs), dtype=bool)
    for column, value in eq.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        mask &= obs[column].isin(list(values)).to_numpy()
    return obs[mask]


def _subplots(nrows=1, ncols=1, **kwargs):
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, layout="constrained", **kwargs)


def _shared_legend(fig, axes, lang: str, *, ncol=4, phases=True, remove=True):
    """One legend above the panels (series of the first panel, then the phase colours)."""
    from cosie_analysis.plotting import phase_legend_handles

    handles, labels = axes[0].get_legend_handles_labels()
    provisional = [str(getattr(h, "get_gid", lambda: "")() or "").startswith("provisional") for h in handles]
    order = [i for i, p in enumerate(provisional) if not p] + [i for i, p in enumerate(provisional) if p]
    handles, labels = [handles[i] for i in order], [labels[i] for i in order]
    if phases:
        extra = phase_legend_handles(lang)
        handles, labels = handles + extra, labels + [h.get_label() for h in extra]
    for ax in axes:
        if remove and ax.get_legend():
            ax.get_legend().remove()
    fig.legend(handles, labels, loc="outside upper center", ncol=ncol, frameon=False)


def _all_municipal_rates(obs: pd.DataFrame, key: str) -> pd.DataFrame:
    ind = f"crime_{key.replace('.', '_')}_per_1000"
    d = _rows(obs, indicator=ind, source_table="47018NED")
    return d[d["region_code"].str.startswith("GM") & d["region_code"].ne("GM0000")]
