"""How far does the yearly ITS counterfactual reach? "After" effects across all municipalities by trend form.

Run: .venv/bin/python validation/its_horizon.py

Fits ``batch_its`` to registered residential burglary (47018NED, offence 1.1.1) for every
municipality, yearly 2012-2025, as counts (Poisson, quasi-likelihood errors) and per 1,000
inhabitants (Gaussian, AR(1)-GLS errors, and Poisson), once per ``trend`` form, and prints the
distribution of the relative "after" effect (sum of fitted / sum of counterfactual - 1) as a
Markdown table, with Houten (GM0321) and Nieuwegein (GM0356). Real data; nothing is simulated.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cosie_analysis as ca
from cosie_analysis.estimate.batch import batch_its

PILOTS = {"GM0321": "Houten", "GM0356": "Nieuwegein"}


def pct(x: float) -> str:
    return f"{100 * x:+,.0f}%"


def main() -> None:
    obs = ca.load_observations()
    rows = []
    for indicator, family in [("crime_1_1_1", "poisson"), ("crime_1_1_1_per_1000", "gaussian"),
                              ("crime_1_1_1_per_1000", "poisson")]:
        data = obs[(obs["region_level"] == "gemeente") & (obs["frequency"] == "year") & (obs["indicator"] == indicator)]
        for trend in ("segmented", "level", "capped", "flat"):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = batch_its(data, family=family, trend=trend, progress=False)
            t = res.summary()
            after = t[(t["term"] == "relative_effect") & (t["phase"] == "after")].set_index("region_code")
            e = after["estimate"].to_numpy(float)
            e = e[np.isfinite(e)]
            q = np.percentile(e, [5, 25, 50, 75, 95])
            extrapolating = [str(w.message) for w in caught if "extrapolates" in str(w.message)]
            pilots = "; ".join(
                f"{name} {pct(after.loc[code, 'estimate'])} [{pct(after.loc[code, 'ci_lower'])}, "
                f"{pct(after.loc[code, 'ci_upper'])}]" for code, name in PILOTS.items() if code in after.index)
            rows.append({
                "outcome": indicator.replace("crime_1_1_1", "burglary").replace("_per_1000", " per 1,000"),
                "family": f"{family} ({t['cov_type'].iloc[0]})", "trend": trend, "series": len(e),
                "skipped": len(res.skipped), "median": pct(q[2]), "IQR": f"{pct(q[1])} .. {pct(q[3])}",
                "5%..95%": f"{pct(q[0])} .. {pct(q[4])}", "max": pct(e.max()),
                "horizon (years) / supported": (
                    f"{int(after['horizon'].max())} / {int(after['horizon_supported'].min())}"
                ),
                "warned": extrapolating[0].split(" series")[0].split("in ")[-1] if extrapolating else "0",
                "pilots (95% CI)": pilots,
            })
    print(pd.DataFrame(rows).to_markdown(index=False))


if __name__ == "__main__":
    main()
