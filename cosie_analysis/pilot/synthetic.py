"""A seeded synthetic pilot register with known planted effects, for tests, examples and notebooks."""

from __future__ import annotations

from typing import TypedDict

import numpy as np
import pandas as pd

from cosie_analysis.errors import ParameterError, check_choice
from cosie_analysis.pilot.check import PILOTS, REGISTER_COLUMNS, read_register
from cosie_analysis.pilot.parse import FIRST_YEAR

__all__ = ["PLANTED_EFFECTS", "synthetic_register"]

class PlantedEffect(TypedDict):
    """One pilot's planted effect: the measure, its monthly mean before corona and the ratios to it."""

    measure: str
    baseline_per_month: float
    during_ratio: float
    after_ratio: float


#: The effects planted by :func:`synthetic_register` (ratio of the monthly mean during corona to before).
PLANTED_EFFECTS: dict[str, PlantedEffect] = {
    "houten": {"measure": "matches", "baseline_per_month": 8.0, "during_ratio": 0.5, "after_ratio": 1.0},
    "nieuwegein": {"measure": "litter_reports", "baseline_per_month": 20.0, "during_ratio": 1.25, "after_ratio": 1.0},
}


def synthetic_register(pilot: str, seed: int = 0, *, start: str = "2018-01", end: str = "2023-12") -> pd.DataFrame:
    """A seeded synthetic pilot register with known planted effects, labelled synthetic in every row.

    Parameters
    ----------
    pilot : {"houten", "nieuwegein"}
    seed : int, default 0
        For ``numpy.random.default_rng``; the same call returns the same frame.
    start, end : str, default "2018-01" and "2023-12"
        First and last month (``YYYY-MM``).

    Returns
    -------
    pandas.DataFrame
        A register in the file layout: the columns of ``REGISTER_COLUMNS`` in that order (``pilot``,
        ``unit_id``, ``period``, ``measure``, ``value``, ``unit``, ``group``, ``synthetic``), with the
        dtypes :func:`read_register` gives them; ``synthetic`` True in every row, ``attrs`` holding
        ``synthetic=True``, ``seed`` and ``planted_effects``. It holds no column derived from
        ``period`` (``period_start``, ``period_end``, ``frequency``: :func:`read_register` adds
        those), so ``frame.to_csv(path, index=False)`` writes a valid register file, and reading it
        back gives the same rows: ``read_register(path)[frame.columns]`` equals ``frame``.

        * houten: person-level events dated by day: ``matches`` (group betaald werk /
          vrijwilligerswerk, about 30% paid) and ``intakes`` (about 10 a month), one new pseudonym
          ``S0001``... per row, value 1, unit persons.
        * nieuwegein: ``litter_reports`` and ``waste_collected_kg`` per flat (``FLAT1``-``FLAT4``) and
          month, ``households_reached`` per month (small counts, unit ``NIJPELS``), and a
          ``liveability_score`` survey (40 households ``H001``-``H360`` in 2019, 2021 and 2023).

    Notes
    -----
    The planted effect (:data:`PLANTED_EFFECTS`) is a ratio of the monthly Poisson mean during
    corona to before, with phases of the default scheme at month level (``assign_phase`` with the
    "measures" scheme and the majority rule): Houten's matches halve (8 -> 4 a month), Nieuwegein's
    litter reports rise by 25% (20 -> 25 per flat a month); after corona they return to baseline.

    Examples
    --------
    >>> reg = synthetic_register("houten", seed=1, start="2020-01", end="2020-03")  # SYNTHETIC
    >>> reg.shape, bool(reg["synthetic"].all())
    ((48, 8), True)
    >>> sorted(reg["measure"].unique())
    ['intakes', 'matches']
    """
    from cosie_analysis.phases import assign_phase

    check_choice("pilot", pilot, list(PILOTS))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"`seed` must be an integer; got {seed!r}.")
    try:
        months = pd.period_range(start, end, freq="M")
    except (ValueError, TypeError) as exc:
        raise ParameterError(
            f"`start` and `end` must be months such as '2018-01'; got {start!r}, {end!r} ({exc})."
        ) from None
    if len(months) == 0:
        raise ParameterError(f"`start` ({start!r}) must not be after `end` ({end!r}).")
    rng = np.random.default_rng(seed)
    effect = PLANTED_EFFECTS[pilot]
    phase = assign_phase([f"{m.year}MM{m.month:02d}" for m in months]).astype(str).to_numpy()
    ratio = np.select([phase == "during", phase == "after"], [effect["during_ratio"], effect["after_ratio"]], 1.0)
    rows = []
    if pilot == "houten":
        seq = 0
        for m, r in zip(months, ratio, strict=True):
            days = m.days_in_month
            for measure, mean in (("matches", effect["baseline_per_month"] * r), ("intakes", 10.0)):
                for _ in range(rng.poisson(mean)):
                    seq += 1
                    group = (
                        ("betaald werk" if rng.random() < 0.3 else "vrijwilligerswerk") if measure == "matches" else ""
                    )
                    day = f"{m.year}-{m.month:02d}-{int(rng.integers(1, days + 1)):02d}"
                    rows.append(("houten", f"S{seq:04d}", day, measure, 1.0, "persons", group))
    else:
        for m, r in zip(months, ratio, strict=True):
            code = f"{m.year}-{m.month:02d}"
            for flat in range(1, 5):
                rows.append(("nieuwegein", f"FLAT{flat}", code, "litter_reports",
                             float(rng.poisson(effect["baseline_per_month"] * r)), "reports", ""))
                rows.append(("nieuwegein", f"FLAT{flat}", code, "waste_collected_kg",
                             round(float(rng.normal(4000.0, 300.0)), 1), "kg", ""))
            rows.append(
                ("nieuwegein", "NIJPELS", code, "households_reached", float(rng.poisson(6.0)), "households", "")
            )
        for year in (2019, 2021, 2023):
            if not months[0].year <= year <= months[-1].year:
                continue
            for h in np.sort(rng.choice(360, size=40, replace=False)) + 1:
                score = float(np.clip(np.round(rng.normal(5.5, 1.5)), 1, 10))
                rows.append(("nieuwegein", f"H{h:03d}", str(year), "liveability_score", score, "grade", ""))
    frame = pd.DataFrame(rows, columns=["pilot", "unit_id", "period", "measure", "value", "unit", "group"])
    frame["synthetic"] = True
    out = read_register(frame, first_year=min(FIRST_YEAR, int(months[0].year)))[list(REGISTER_COLUMNS)].copy()
    out.attrs = {"source": f"synthetic_register({pilot!r}, seed={seed})", "synthetic": True, "seed": int(seed),
                 "planted_effects": {pilot: dict(effect)}}
    return out

