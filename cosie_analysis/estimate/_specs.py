"""The engine of :func:`~cosie_analysis.estimate.multiverse.multiverse`: the estimators on one outcome,
cached by the phase assignment of the periods, each returning one comparable row per treated unit."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

#: The value of a choice that does not apply to an estimator (ITS has no pool, the others no family).
NOT_USED = "-"


class Runner:
    """The estimators on one outcome, cached by the phase assignment of the periods."""

    def __init__(self, d, treated, *, phase, value, period, unit, conf_level, attributes, pool_specs) -> None:
        self.d, self.treated, self.phase = d, treated, phase
        self.kw = dict(value=value, period=period, unit=unit)
        self.conf_level, self.attributes, self.pool_specs = conf_level, attributes, pool_specs
        self.periods = pd.Series(pd.unique(d[period]))
        mine = d[d[unit].isin(treated)]
        self.treated_wide = mine.pivot(index=unit, columns=period, values=value).reindex(columns=self.periods)
        self.cache: dict = {}
        self._pools: dict = {}
        self._panels: dict = {}

    def key(self, scheme, rule) -> tuple:
        from cosie_analysis.phases import assign_phase

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return tuple(assign_phase(self.periods, scheme=scheme, rule=rule).astype(str))

    def before_mean(self, tr, key) -> float:
        before = np.array(key) == "before"
        return float(np.nanmean(self.treated_wide.loc[tr].to_numpy(float)[before]))

    def pool(self, name):
        if name not in self._pools:
            from cosie_analysis.estimate.pools import donor_pool

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                self._pools[name] = pd.concat(
                    [
                        donor_pool(self.d, t, attributes=self.attributes, **self.kw, **self.pool_specs[name])
                        for t in self.treated
                    ],
                    ignore_index=True,
                )
        return self._pools[name]

    def specs(self, estimators, scheme, rule, families, spec) -> list[dict]:
        key = self.key(scheme, rule)
        if self.phase not in key or "before" not in key:
            return []
        out = []
        for est in estimators:
            choices = [(f, NOT_USED) for f in families] if est == "its" else [(NOT_USED, p) for p in self.pool_specs]
            for family, pool in choices:
                ck = (est, family, pool, key)
                if ck not in self.cache:
                    self.cache[ck] = self.fit(est, family, pool, scheme, rule, key)
                for tr, r in self.cache[ck].items():
                    out.append(dict(treated=tr, estimator=est, family=family, pool=pool, **spec, **r))
        return out

    def fit(self, est, family, pool, scheme, rule, key) -> dict[str, dict]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # exact fits, few treated units: stated in `test`
            if est == "its":
                return self._its(family, scheme, rule, key)
            return self._comparison(est, pool, scheme, rule, key)

    def _its(self, family, scheme, rule, key):
        from cosie_analysis.estimate.batch import batch_its

        d = self.d[self.d[self.kw["unit"]].isin(self.treated)]
        with warnings.catch_warnings():  # tqdm's notebook check when batch_its imports it (progress=False here)
            warnings.filterwarnings("ignore", message="IProgress not found")
            res = batch_its(
                d,
                value=self.kw["value"],
                period=self.kw["period"],
                by=(self.kw["unit"],),
                scheme=scheme,
                rule=rule,
                family=family,
                conf_level=self.conf_level,
                progress=False,
            ).summary()
        res = res[(res["term"] == "average_effect") & (res["phase"] == self.phase)].set_index(self.kw["unit"])
        return {
            tr: dict(
                estimate=res.at[tr, "estimate"],
                ci_lower=res.at[tr, "ci_lower"],
                ci_upper=res.at[tr, "ci_upper"],
                p_value=res.at[tr, "p_value"],
                test="its",
                before_mean=self.before_mean(tr, key),
                n_donors=np.nan,  # no donors: a gap, not a count of zero
                pool_rule=NOT_USED,
            )
            for tr in self.treated
            if tr in res.index
        }

    def _did(self, tr, controls, common, pool_rule: str) -> dict:
        """Two-way fixed-effects DiD on logs (``diff_in_diff``'s default scale) for one treated unit with
        permutation inference over every unit, through the kernel of
        :func:`~cosie_analysis.estimate.comparison.diff_in_diff` (same numbers, without refitting
        statsmodels formulas per specification)."""
        from cosie_analysis.estimate._common import check_scale, panel_of
        from cosie_analysis.estimate._kernels import perm_estimates
        from cosie_analysis.estimate.comparison import check_did_units

        ck = (tuple(sorted(controls)), common["scheme"], common["rule"])
        if ck not in self._panels:  # one panel for every treated unit with this pool and phase assignment
            units = [*self.treated, *controls]
            self._panels[ck] = panel_of(
                self.d[self.d[self.kw["unit"]].isin(units)], treated=self.treated, function="multiverse", **common
            )
        panel = self._panels[ck]
        W = panel.wide.loc[[tr] + [u for u in panel.wide.index if u in set(controls)]]
        check_did_units(1, len(W) - 1, pool_rule, "multiverse")
        masks = {
            "during": (panel.phase == "during").to_numpy(),
            "after": (panel.phase == "after").to_numpy(),
            "post": (panel.phase != "before").to_numpy(),
        }
        check_scale(W, W.index, "log", "multiverse")  # diff_in_diff's default scale: parallel trends on logs
        Y = np.log(W.to_numpy(float))
        perm = np.asarray(perm_estimates(Y, [(i,) for i in range(len(W))], masks)[self.phase])
        # the log-point coefficient b in outcome units: observed minus counterfactual (observed * exp(-b)),
        # averaged over the phase, as the other estimators' rows
        observed = float(W.iloc[0].to_numpy(float)[masks[self.phase]].mean())
        return dict(
            estimate=-observed * float(np.expm1(-perm[0])),
            ci_lower=np.nan,
            ci_upper=np.nan,
            p_value=float(np.mean(np.abs(perm) >= abs(perm[0]) - 1e-12)),
            test="did_permutation",
            n_donors=len(W) - 1,
        )

    def _comparison(self, est, pool, scheme, rule, key):
        from cosie_analysis.estimate.sdid import synthetic_did
        from cosie_analysis.estimate.synth import synthetic_control

        frame = self.pool(pool)
        keep = set(self.treated) | set(frame.loc[frame["kept"], "region_code"])
        data = self.d[self.d[self.kw["unit"]].isin(keep)]  # smaller frames, the same panels
        common = dict(**self.kw, indicator=None, scheme=scheme, rule=rule)
        out = {}
        if est == "did":
            for tr in self.treated:
                f = frame[(frame["treated"] == tr) & frame["kept"]]
                rule_ = frame["pool_rule"].iloc[0]
                out[tr] = self._did(tr, [u for u in f["region_code"] if u not in self.treated], common, rule_)
                out[tr]["pool_rule"] = rule_
        else:
            if est == "sdid":
                res = synthetic_did(
                    data,
                    treated=self.treated,
                    donors=frame,
                    phases=(self.phase,),
                    conf_level=self.conf_level,
                    leave_one_out=False,
                    **common,
                )
            else:
                res = synthetic_control(
                    data,
                    treated=self.treated,
                    donors=frame,
                    phases=(self.phase,),
                    method="augmented" if est == "augmented_sc" else "sc",
                    leave_one_out=False,
                    **common,
                )
            t = res.summary().set_index("treated")
            for tr, r in t.iterrows():
                exact = r["test_note"] == "exact_pre_fit"
                test = "sdid_placebo_se" if est == "sdid" else ("sc_post_rmspe_rank" if exact else "sc_ratio_rank")
                out[tr] = dict(
                    estimate=r["estimate"],
                    ci_lower=r["ci_lower"],
                    ci_upper=r["ci_upper"],
                    p_value=r["p_post"] if exact else r["p_value"],
                    test=test,
                    n_donors=int(r["n_donors"]),
                    pool_rule=r["pool_rule"],
                )
        for tr in out:
            out[tr]["before_mean"] = self.before_mean(tr, key)
        return out
