"""Seeded synthetic panels with planted effects, in the long observation-table layout.

Everything here is labelled synthetic (``region_name`` "Synthetisch 01", ``source_table``
"synthetic") so it can never be mistaken for CBS data. Each generator takes a ``seed`` and uses
``numpy.random.default_rng(seed)`` only, so the same call returns the same frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Corona phases of the default ("measures") scheme, by month-start date (majority rule).
DURING_START = pd.Timestamp("2020-03-01")  # March 2020 is mostly after 12 March
AFTER_START = pd.Timestamp("2022-04-01")  # March 2022 is mostly before 23 March
YEAR_DURING = (2020, 2021)  # years mostly inside [2020-03-12, 2022-03-23)


def _frame(codes, starts, ends, freq, values, *, region_code, indicator, unit="aantal") -> pd.DataFrame:
    number = int(region_code[-2:]) if region_code[-2:].isdigit() else 0
    n = len(codes)
    return pd.DataFrame(
        {
            "indicator": indicator,
            "label_nl": f"Synthetische reeks {indicator}",
            "label_en": f"Synthetic series {indicator}",
            "unit": unit,
            "region_code": region_code,
            "region_name": f"Synthetisch {number:02d}",
            "region_level": "gemeente",
            "period": list(codes),
            "period_start": pd.to_datetime(list(starts)),
            "period_end": pd.to_datetime(list(ends)),
            "frequency": freq,
            "value": np.asarray(values, dtype=float),
            "status": "definitief",
            "source_table": "synthetic",
            "source_key": f"synthetic:{indicator}",
        },
        index=range(n),
    )


def month_grid(start: str = "2012-01", end: str = "2023-12"):
    periods = pd.period_range(start, end, freq="M")
    codes = [f"{p.year}MM{p.month:02d}" for p in periods]
    return periods, codes


def monthly_series(
    seed: int = 0,
    *,
    family: str = "poisson",
    baseline: float = 200.0,
    trend: float = -0.002,
    seasonal: float = 0.1,
    drop_during: float = 0.2,
    drop_after: float = 0.0,
    sd: float = 10.0,
    ar: float = 0.0,
    start: str = "2012-01",
    end: str = "2023-12",
    region_code: str = "SY0001",
    indicator: str = "synthetic_counts",
) -> pd.DataFrame:
    """One monthly series with a planted relative drop during (and after) corona.

    The expected value is ``baseline * exp(trend * t + seasonal * sin(2 pi month / 12))``, times
    ``1 - drop_during`` in the during phase and ``1 - drop_after`` in the after phase. ``family``
    "poisson" draws Poisson counts; "gaussian" adds normal noise with sd ``sd`` (AR(1) with
    coefficient ``ar``) to the expected value.
    """
    rng = np.random.default_rng(seed)
    periods, codes = month_grid(start, end)
    t = np.arange(len(periods))
    month = np.array([p.month for p in periods])
    starts = periods.start_time
    mu = baseline * np.exp(trend * t + seasonal * np.sin(2 * np.pi * month / 12))
    factor = np.where(starts >= AFTER_START, 1 - drop_after, np.where(starts >= DURING_START, 1 - drop_during, 1.0))
    mu = mu * factor
    if family == "poisson":
        y = rng.poisson(mu).astype(float)
    else:
        e = rng.normal(0, sd, len(t))
        for i in range(1, len(t)):
            e[i] += ar * e[i - 1]
        y = mu + e
    return _frame(codes, starts, periods.end_time.normalize(), "month", y, region_code=region_code, indicator=indicator)


def monthly_truth(**kwargs) -> pd.DataFrame:
    """The expected values of :func:`monthly_series` (no noise), same layout."""
    kwargs = dict(kwargs)
    kwargs["sd"] = 0.0
    kwargs["family"] = "gaussian"
    return monthly_series(**kwargs)


def yearly_panel(
    seed: int = 0,
    *,
    n_units: int = 20,
    treated: tuple[str, ...] = ("SY0001",),
    effect: float = 3.0,
    effect_after: float | None = None,
    sd: float = 1.0,
    first_year: int = 2012,
    last_year: int = 2025,
    indicator: str = "synthetic_rate",
) -> pd.DataFrame:
    """A balanced yearly panel with unit and year effects and a planted DiD effect.

    ``y_it = 50 + a_i + g_t + effect * treated_i * [t in during] + effect_after * treated_i *
    [t in after] + e_it`` with ``e_it ~ N(0, sd)``; the during years are 2020 and 2021 and the after
    years 2022 onwards (default "measures" scheme, majority rule). ``effect_after`` defaults to
    ``effect``. Units are ``SY0001`` .. ``SYnnnn``.
    """
    rng = np.random.default_rng(seed)
    effect_after = effect if effect_after is None else effect_after
    years = np.arange(first_year, last_year + 1)
    g = np.cumsum(rng.normal(0, 1, len(years)))
    frames = []
    for i in range(n_units):
        code = f"SY{i + 1:04d}"
        a = rng.normal(0, 5)
        y = 50 + a + g + rng.normal(0, sd, len(years))
        if code in treated:
            y = y + np.where(years >= 2022, effect_after, np.where(years >= YEAR_DURING[0], effect, 0.0))
        frames.append(
            _frame(
                [f"{yr}JJ00" for yr in years],
                [f"{yr}-01-01" for yr in years],
                [f"{yr}-12-31" for yr in years],
                "year",
                y,
                region_code=code,
                indicator=indicator,
                unit="per 1 000 inwoners",
            )
        )
    return pd.concat(frames, ignore_index=True)


def factor_panel(
    seed: int = 0,
    *,
    n_units: int = 20,
    treated: str = "SY0001",
    effect: float = -3.0,
    sd: float = 0.3,
    first_year: int = 2012,
    last_year: int = 2025,
    indicator: str = "synthetic_rate",
) -> pd.DataFrame:
    """A yearly panel from a two-factor model where the treated unit is a convex mix of donors.

    Donor ``i``: ``y_it = 20 + 3 * f1_t * l1_i + 2 * f2_t * l2_i + e_it``; the treated unit is the
    equal mix of donors 2, 3 and 4 (plus noise) and drops by ``effect`` from 2020 onwards.
    """
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    f1 = np.linspace(-1, 1, len(years)) + rng.normal(0, 0.2, len(years))
    f2 = np.sin(np.arange(len(years)))
    loads = rng.uniform(0, 2, size=(n_units, 2))
    y = 20 + 3 * np.outer(loads[:, 0], f1) + 2 * np.outer(loads[:, 1], f2)
    y = y + rng.normal(0, sd, y.shape)
    codes = [f"SY{i + 1:04d}" for i in range(n_units)]
    ti = codes.index(treated)
    mix = [j for j in range(n_units) if j != ti][1:4]
    y[ti] = y[mix].mean(axis=0) + rng.normal(0, sd / 3, len(years)) + np.where(years >= 2020, effect, 0.0)
    frames = [
        _frame(
            [f"{yr}JJ00" for yr in years],
            [f"{yr}-01-01" for yr in years],
            [f"{yr}-12-31" for yr in years],
            "year",
            y[i],
            region_code=code,
            indicator=indicator,
            unit="per 1 000 inwoners",
        )
        for i, code in enumerate(codes)
    ]
    return pd.concat(frames, ignore_index=True)
