"""The statistics of a change in the share of stories between two phases: Wilson intervals per
share, and per contrast the difference, Newcombe's interval and Fisher's exact test. Used on the raw
counts (:func:`cosie_analysis.qda.themes.theme_frequencies`) and on the protected counts
(:func:`cosie_analysis.qda.protected.protect_theme_changes`), so both are the same arithmetic."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cosie_analysis.estimate._common import adjust_pvalues

__all__ = ["CONTRASTS", "changes_table", "wilson"]

#: The phase contrasts tested, as (later phase, earlier phase).
CONTRASTS = (("during", "before"), ("after", "during"), ("after", "before"))


def wilson(k, n, conf_level):
    """Wilson score interval of the shares ``k / n`` (NaN where ``n`` is 0)."""
    from statsmodels.stats.proportion import proportion_confint

    with np.errstate(invalid="ignore", divide="ignore"):
        lo, hi = proportion_confint(np.asarray(k), np.asarray(n), alpha=1 - conf_level, method="wilson")
    return np.where(np.asarray(n) > 0, lo, np.nan), np.where(np.asarray(n) > 0, hi, np.nan)


def changes_table(table: pd.DataFrame, conf_level: float, adjust: str) -> pd.DataFrame:
    """One row per pilot x theme x contrast from a table of ``n_mentioning`` and ``n_sources`` per
    phase; a contrast with a missing count (a suppressed cell) has no estimate, interval or p."""
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep

    idx = table.set_index(["pilot", "theme", "phase"])
    rows = []
    for (pilot, theme), _ in table.groupby(["pilot", "theme"], sort=True, observed=True):
        for later, earlier in CONTRASTS:
            k1, n1 = idx.loc[(pilot, theme, later), ["n_mentioning", "n_sources"]]
            k0, n0 = idx.loc[(pilot, theme, earlier), ["n_mentioning", "n_sources"]]
            est = lo = hi = p = np.nan
            if n1 > 0 and n0 > 0 and np.isfinite(k1) and np.isfinite(k0):  # NaN: a suppressed cell (protected)
                k1, n1, k0, n0 = int(k1), int(n1), int(k0), int(n0)
                est = k1 / n1 - k0 / n0
                lo, hi = confint_proportions_2indep(k1, n1, k0, n0, method="newcomb", compare="diff",
                                                    alpha=1 - conf_level)
                p = fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue
            rows.append({"pilot": pilot, "theme": theme, "contrast": f"{later} - {earlier}", "estimate": est,
                         "ci_lower": lo, "ci_upper": hi, "p_value": p, "n": n0 + n1,
                         "method": "difference in shares of sources; Newcombe interval; Fisher exact test"})
    out = pd.DataFrame(rows)
    out["p_adjusted"] = np.nan
    for i in out.groupby("pilot").groups.values():  # one family per pilot: all themes and contrasts
        out.loc[i, "p_adjusted"] = adjust_pvalues(out.loc[i, "p_value"].to_numpy(), adjust)
    return out[["pilot", "theme", "contrast", "estimate", "ci_lower", "ci_upper", "p_value", "p_adjusted", "n",
                "method"]]
