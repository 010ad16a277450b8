"""Intercoder agreement per code and overall: percent agreement, Cohen's kappa and Krippendorff's alpha,
with bootstrap intervals that resample the coded units.

Each code is a yes/no decision per unit and coder: did the coder apply the code to this passage
(``unit="segment"``) or anywhere in this story (``unit="source"``)? A coder who coded anything in a
source is taken to have read all of it, so a passage of that source without the code counts as
"no"; a coder who coded nothing in a source has no decision on its units (missing). "All codes"
stacks the decisions on every code (the same units, resampled together in the bootstrap).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.estimate._common import Result, check_conf_level, check_lang
from cosie_analysis.qda.read import Codings

__all__ = ["RELIABLE", "TENTATIVE", "Agreement", "cohen_kappa", "intercoder_agreement"]

#: Krippendorff's (2004, Content Analysis, 2nd ed., p. 241) conventions: rely on alpha >= 0.800 and
#: draw tentative conclusions only for 0.667 <= alpha < 0.800.
RELIABLE, TENTATIVE = 0.800, 0.667
STATISTICS = ("percent_agreement", "cohen_kappa", "krippendorff_alpha")


def cohen_kappa(a, b) -> float:
    """Cohen's kappa of two coders' yes/no (1/0) decisions; units missing for either coder are left out.

    NaN when fewer than two units remain or when chance agreement is 1 (both coders always gave the
    same single answer), where kappa is undefined.

    Examples
    --------
    >>> cohen_kappa([1, 1, 0, 0], [1, 1, 0, 0])
    1.0
    >>> cohen_kappa([1, 0, 1, 0], [1, 1, 0, 0])
    0.0
    """
    return float(_kappa(np.asarray(a, float)[None, :], np.asarray(b, float)[None, :])[0])


def _kappa(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise kappa of two (rows x units) arrays of 0/1/NaN."""
    ok = ~(np.isnan(a) | np.isnan(b))
    n = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        a1 = np.where(ok, a, 0).sum(axis=1) / n
        b1 = np.where(ok, b, 0).sum(axis=1) / n
        po = np.where(ok, a == b, False).sum(axis=1) / n
        pe = a1 * b1 + (1 - a1) * (1 - b1)
        k = (po - pe) / (1 - pe)
    return np.where((n >= 2) & (pe < 1), k, np.nan)


def _percent(x: np.ndarray) -> float:
    """Mean pairwise agreement over coders (x: coders x units)."""
    vals = []
    for i, j in combinations(range(x.shape[0]), 2):
        ok = ~(np.isnan(x[i]) | np.isnan(x[j]))
        if ok.any():
            vals.append(np.mean(x[i, ok] == x[j, ok]))
    return float(np.mean(vals)) if vals else np.nan


def _alpha(x: np.ndarray) -> float:
    import krippendorff

    if np.sum(np.sum(~np.isnan(x), axis=0) >= 2) < 2:
        return np.nan
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ones = np.nansum(x, axis=0)
        counts = np.column_stack([np.sum(~np.isnan(x), axis=0) - ones, ones])  # units x (no, yes)
        return float(krippendorff.alpha(value_counts=counts, level_of_measurement="nominal"))


def _stats(x: np.ndarray) -> np.ndarray:
    """(percent, kappa, alpha) of one code's decisions (coders x units)."""
    kappa = float(_kappa(x[:1], x[1:2])[0]) if x.shape[0] == 2 else np.nan
    return np.array([_percent(x), kappa, _alpha(x)])


def _decisions(codings: Codings, unit: str, level: str, coders) -> tuple[np.ndarray, list[str], list[str]]:
    """coders x units x categories array of 1 (applied), 0 (not applied), NaN (coder did not code the source)."""
    seg = codings.segments
    col = "code_path" if level == "code" else "theme"
    key = "segment_id" if unit == "segment" else "source_id"
    coders = list(coders) if coders is not None else codings.coders
    unknown = [c for c in coders if c not in set(seg["coder"])]
    if unknown:
        raise ParameterError(f"`coders` {unknown!r} not found; the codings have coders {codings.coders!r}.")
    if len(coders) < 2:
        raise ParameterError(f"Agreement needs at least two coders; found {coders!r}. Pass `coders=` with two or more.")
    seg = seg[seg["coder"].isin(coders)]
    units = sorted(seg[key].unique())
    cats = sorted(seg[col].unique())
    source_of = seg.drop_duplicates(key).set_index(key)["source_id"] if key != "source_id" else \
        pd.Series(units, index=units)
    x = np.zeros((len(coders), len(units), len(cats)))
    ui = {u: i for i, u in enumerate(units)}
    ci = {c: i for i, c in enumerate(cats)}
    for k, coder in enumerate(coders):
        mine = seg[seg["coder"] == coder]
        seen = set(mine["source_id"])
        x[k, [ui[u] for u in units if source_of[u] not in seen], :] = np.nan
        x[k, mine[key].map(ui).to_numpy(), mine[col].map(ci).to_numpy()] = 1.0
    return x, units, cats


@dataclass(frozen=True, repr=False)
class Agreement(Result):
    """Intercoder agreement per code and overall (see :func:`intercoder_agreement`)."""

    unit: str = "segment"
    coders: tuple = ()
    n_boot: int = 0
    synthetic: bool = False

    def plot_data(self) -> pd.DataFrame:
        """The rows drawn: Krippendorff's alpha per code and overall, with the interval."""
        return self.table[self.table["statistic"] == "krippendorff_alpha"].reset_index(drop=True)

    def plot(self, ax=None, *, lang: str = "nl"):
        """Alpha per code (dot and interval), overall at the bottom; Krippendorff's 0.667 and 0.800 marked."""
        import matplotlib.pyplot as plt

        from cosie_analysis.style import number_formatter
        from cosie_analysis.words import word

        check_lang(lang)
        d = self.plot_data()
        ax = ax or plt.subplots(layout="constrained")[1]
        labels = [word("qda_all_codes", lang) if s == "overall" else c
                  for c, s in zip(d["code"], d["scope"], strict=True)]
        y = np.arange(len(d))[::-1]
        ax.errorbar(d["estimate"], y, xerr=[d["estimate"] - d["ci_lower"], d["ci_upper"] - d["estimate"]],
                    fmt="o", color="#333333", markersize=4, capsize=2, linewidth=1)
        ax.axvline(RELIABLE, color="#1b7837", linestyle="--", linewidth=0.8, label=word("qda_reliable", lang))
        ax.axvline(TENTATIVE, color="#b35806", linestyle=":", linewidth=0.8, label=word("qda_tentative", lang))
        ax.axvline(0, color="#8c8c8c", linewidth=0.6)
        ax.set_yticks(y, labels)
        ax.set_xlim(min(-0.1, float(np.nanmin(d["ci_lower"])) - 0.05) if d["ci_lower"].notna().any() else -0.1, 1.02)
        ax.set_xlabel(f"{word('qda_alpha', lang)}: {word('qda_agreement_axis', lang)}")
        ax.xaxis.set_major_formatter(number_formatter(lang))
        ax.legend(loc="lower left", frameon=False, fontsize=7)
        if self.synthetic:
            ax.text(0.99, 0.01, word("synthetic", lang), transform=ax.transAxes, ha="right", va="bottom",
                    fontsize=7, color="#b2182b")
        return ax

    def describe(self, lang: str = "nl") -> str:
        """One sentence: overall alpha (and kappa for two coders) with intervals, and the weakest code."""
        from cosie_analysis.words import format_ci, format_number, word

        check_lang(lang)
        t = self.table
        overall = t[t["scope"] == "overall"].set_index("statistic")
        alpha = overall.loc["krippendorff_alpha"]
        codes = t[(t["scope"] == "code") & (t["statistic"] == "krippendorff_alpha")].dropna(subset=["estimate"])
        kappa_part = ""
        if len(self.coders) == 2:
            k = overall.loc["cohen_kappa"]
            kappa_part = (f", {word('qda_kappa', lang)} = {format_number(k['estimate'], 2, lang)} "
                          f"{format_ci(k['ci_lower'], k['ci_upper'], lang)}")
        worst = codes.loc[codes["estimate"].idxmin()] if len(codes) else None
        text = word("qda_agreement_sentence", lang).format(
            n_coders=len(self.coders), n=int(alpha["n"]), units=word(f"qda_units_{self.unit}", lang),
            alpha_name=word("qda_alpha", lang), alpha=format_number(alpha["estimate"], 2, lang),
            alpha_ci=format_ci(alpha["ci_lower"], alpha["ci_upper"], lang), kappa_part=kappa_part,
            worst=worst["code"] if worst is not None else "-",
            worst_alpha=format_number(worst["estimate"], 2, lang) if worst is not None else "-")
        return (f"[{word('synthetic', lang)}] " if self.synthetic else "") + text


def intercoder_agreement(
    codings: Codings,
    *,
    unit: str = "segment",
    level: str = "code",
    coders=None,
    conf_level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> Agreement:
    """Agreement between coders per code and over all codes, with percentile bootstrap intervals.

    Parameters
    ----------
    codings : Codings
        From :func:`cosie_analysis.read_codings`.
    unit : {"segment", "source"}, default "segment"
        What a decision is about: a coded passage, or a whole story (any passage with the code).
    level : {"code", "theme"}, default "code"
        Agreement on each code, or on the top-level categories (themes).
    coders : list of str, optional
        Default: all coders. Cohen's kappa needs exactly two; alpha takes any number.
    conf_level : float, default 0.95
    n_boot : int, default 1000
        Bootstrap resamples of the units (0 for no intervals).
    seed : int, default 0
        For ``numpy.random.default_rng``: the same call gives the same intervals.

    Returns
    -------
    Agreement
        ``summary()`` has one row per code (and "all codes") and statistic: ``code`` (the code path,
        missing for the overall rows), ``scope`` ("code" or "overall"), ``statistic``
        ("percent_agreement", "cohen_kappa", "krippendorff_alpha"), ``estimate``, ``ci_lower``,
        ``ci_upper``, ``n`` (units with a decision of at least two coders), ``n_coded`` (units where
        any coder applied the code), ``n_coders``, ``method``.

    Notes
    -----
    Kappa is Cohen's (1960) for two coders; alpha is Krippendorff's nominal alpha from the
    ``krippendorff`` package, which allows missing decisions and any number of coders. Both are
    NaN where undefined (a code nobody, or everybody, applied). The bootstrap resamples units with
    replacement and recomputes every statistic; with few units or a rare code the interval is wide.
    Passages chosen by only one coder count as "no" for the other coder when that coder coded the
    same source; agreement on *where* a passage starts and ends is not measured.

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> agr = ca.intercoder_agreement(ca.read_codings(ca.example_qdpx()), n_boot=200)  # SYNTHETIC  # doctest: +SKIP
    """
    if not isinstance(codings, Codings):
        raise ParameterError(f"`codings` must be a Codings object from read_codings(); got {type(codings).__name__}.")
    check_choice("unit", unit, ("segment", "source"))
    check_choice("level", level, ("code", "theme"))
    conf_level = check_conf_level(conf_level)
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        raise ParameterError(f"`n_boot` must be a whole number of at least 0; got {n_boot!r}.")
    x, units, cats = _decisions(codings, unit, level, coders)
    used = list(coders) if coders is not None else codings.coders
    blocks = [x[:, :, k] for k in range(len(cats))] + [x.reshape(x.shape[0], -1)]
    point = np.array([_stats(b) for b in blocks])  # (codes + 1) x 3
    lo = hi = np.full(point.shape, np.nan)
    if n_boot:
        rng = np.random.default_rng(seed)
        boot = np.empty((n_boot,) + point.shape)
        for r in range(n_boot):
            xb = x[:, rng.integers(0, len(units), len(units)), :]
            boot[r] = [_stats(xb[:, :, k]) for k in range(len(cats))] + [_stats(xb.reshape(x.shape[0], -1))]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            q = (1 - conf_level) / 2
            lo, hi = np.nanquantile(boot, q, axis=0), np.nanquantile(boot, 1 - q, axis=0)
    pairable = [(np.sum(~np.isnan(b), axis=0) >= 2) for b in blocks[:-1]] + [np.sum(~np.isnan(x[:, :, 0]), axis=0) >= 2]
    coded = [np.nansum(b, axis=0) > 0 for b in blocks[:-1]] + [np.nansum(x, axis=(0, 2)) > 0]
    rows = []
    for k, name in enumerate(cats + [None]):
        for s, stat in enumerate(STATISTICS):
            rows.append({"code": name, "scope": "code" if name is not None else "overall", "statistic": stat,
                         "estimate": point[k, s], "ci_lower": lo[k, s], "ci_upper": hi[k, s],
                         "n": int(pairable[k].sum()), "n_coded": int(coded[k].sum()), "n_coders": len(used),
                         "method": f"{stat}; bootstrap over {unit}s (B={n_boot})"})
    table = pd.DataFrame(rows)
    if len(used) != 2:
        table = table[table["statistic"] != "cohen_kappa"].reset_index(drop=True)
    return Agreement(table, codings.phase_scheme, codings.phase_rule, conf_level, "intercoder agreement", unit=unit,
                     coders=tuple(used), n_boot=int(n_boot), synthetic=codings.synthetic)
