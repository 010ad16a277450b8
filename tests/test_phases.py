"""Tests of cosie_analysis.phases: the timeline, the schemes, phase assignment and draw_phases."""

from __future__ import annotations

import time
import warnings
from datetime import date, timedelta
from itertools import pairwise

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import (  # noqa: E402
    given,
    settings,
    strategies as st,  # noqa: E402
)

import cosie_analysis as ca  # noqa: E402
from cosie_analysis.errors import ParameterError  # noqa: E402
from cosie_analysis.phases import (  # noqa: E402
    PHASES,
    SCHEMES,
    TIMELINE_COLUMNS,
    PhaseScheme,
    assign_phase,
    assign_subphase,
    get_scheme,
    load_timeline,
    phase_label,
)
from cosie_analysis.plotting import draw_phases  # noqa: E402

FAST = settings(max_examples=60, deadline=None)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------------------ reference, by counting days


def reference_phase(day: date, start: date, end: date) -> str:
    """Independent definition: before < start <= during < end <= after."""
    return "before" if day < start else ("during" if day < end else "after")


def day_counts(first: date, last: date, start: date, end: date) -> dict[str, int]:
    counts = dict.fromkeys(PHASES, 0)
    d = first
    while d <= last:
        counts[reference_phase(d, start, end)] += 1
        d += timedelta(days=1)
    return counts


def reference_majority(counts: dict[str, int]) -> str:
    """The documented tie rule: during first, then before, then after."""
    best = max(counts.values())
    return next(p for p in ("during", "before", "after") if counts[p] == best)


days = st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def schemes(draw):
    start = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2023, 12, 30)))
    length = draw(st.integers(min_value=1, max_value=1500))
    return (start, start + timedelta(days=length))


@st.composite
def cbs_codes(draw):
    year = draw(st.integers(2015, 2026))
    kind = draw(st.sampled_from(["JJ", "KW", "MM"]))
    num = {"JJ": 0, "KW": draw(st.integers(1, 4)), "MM": draw(st.integers(1, 12))}[kind]
    return f"{year}{kind}{num:02d}"


def code_days(code: str) -> tuple[date, date]:
    first, last, _ = ca.parse_period(code)
    return first.date(), last.date()


# ------------------------------------------------------------------------------------------------- timeline


def test_timeline_every_row_has_a_source_url():
    t = load_timeline()
    assert len(t) >= 30
    assert t["source_url"].str.match(r"^https://\S+$").all()
    others = t["other_sources"].dropna().str.split(" ; ").explode()
    assert others.str.match(r"^https://\S+$").all()


def test_timeline_structure():
    t = load_timeline()
    assert tuple(t.columns) == TIMELINE_COLUMNS
    assert pd.api.types.is_datetime64_dtype(t["date"])
    assert t["date"].is_monotonic_increasing
    assert t["key_date"].dtype == bool and t["disputed"].dtype == bool
    assert set(t["kind"]) <= {"milestone", "tightening", "relaxation", "support_start", "support_change", "support_end"}
    assert (t["description_nl"].str.len() > 10).all() and (t["description_en"].str.len() > 10).all()


def test_timeline_covers_measures_and_schemes():
    t = load_timeline()
    national = t[t["scope"] == "national"]
    assert national["date"].min() == pd.Timestamp("2020-02-27")  # first infection
    tight = national[national["kind"] != "milestone"]
    assert pd.Timestamp("2020-03-12") in set(tight["date"]) and tight["date"].max() == pd.Timestamp("2022-03-23")
    tozo = t[t["scope"] == "Tozo"]
    assert tozo["date"].min() == pd.Timestamp("2020-03-01")
    assert tozo.loc[tozo["kind"] == "support_end", "date"].tolist() == [pd.Timestamp("2021-10-01")]
    now_end = t[(t["scope"] == "NOW") & (t["kind"] == "support_end")]["date"].max()
    assert now_end == pd.Timestamp("2022-04-01")


def test_timeline_disputed_rows_say_so():
    t = load_timeline()
    disputed = t[t["disputed"]]
    assert {"2021-12-19", "2022-03-23", "2020-03-23"} <= set(disputed["date"].dt.strftime("%Y-%m-%d"))
    assert disputed["description_en"].str.contains("Disputed|Unconfirmed|Derived").all()
    assert disputed["description_nl"].str.contains("Omstreden|Onbevestigd|Afgeleide").all()
    assert not t[~t["disputed"]]["description_en"].str.contains("Disputed:|Unconfirmed:").any()


def test_scheme_boundaries_are_timeline_dates():
    t = load_timeline()
    dates = set(t["date"])
    for s in SCHEMES.values():
        assert s.during_start in dates and s.during_end in dates, s.name
        for sub in s.subphases[1:]:
            assert sub.start in dates


def test_timeline_filters_and_copy():
    t = load_timeline(kind=["support_end"], scope="Tozo")
    assert t["date"].tolist() == [pd.Timestamp("2021-10-01")]
    first = load_timeline()
    first.loc[0, "kind"] = "changed"
    assert load_timeline().loc[0, "kind"] == "milestone"
    with pytest.raises(ParameterError, match=r"`kind` must be one of .*got 'lockdown'"):
        load_timeline(kind="lockdown")


# ------------------------------------------------------------------------------------------------- schemes


def test_builtin_schemes():
    assert list(SCHEMES) == ["measures", "support", "lifted"]
    assert get_scheme().boundaries == (pd.Timestamp("2020-03-12"), pd.Timestamp("2022-03-23"))
    assert get_scheme("support").boundaries == (pd.Timestamp("2020-03-01"), pd.Timestamp("2022-04-01"))
    assert get_scheme("lifted").boundaries == (pd.Timestamp("2020-03-12"), pd.Timestamp("2022-02-25"))
    for s in SCHEMES.values():
        assert s.rationale
        subs = s.subphases
        assert len(subs) == 6 and subs[0].start == s.during_start and subs[-1].end == s.during_end
        assert all(a.end == b.start for a, b in pairwise(subs))
    assert [x.name_en for x in get_scheme().subphases][:2] == ["first lockdown", "summer 2020"]


def test_scheme_is_frozen():
    with pytest.raises(AttributeError):
        get_scheme().during_end = pd.Timestamp("2023-01-01")


def test_user_defined_schemes():
    pair = get_scheme(("2020-03-15", "2021-06-26"))
    assert pair.name == "custom [2020-03-15, 2021-06-26)"
    assert pair.boundaries == (pd.Timestamp("2020-03-15"), pd.Timestamp("2021-06-26"))
    mapping = get_scheme({"start": date(2020, 3, 15), "end": "2021-10-01", "name": "tozo"})
    assert mapping.name == "tozo" and mapping.during_end == pd.Timestamp("2021-10-01")
    own = PhaseScheme("x", "2020-01-01", "2021-01-01", subphases=(("a", "a", "2020-01-01", "2020-06-01"),))
    assert get_scheme(own) is own
    assert assign_phase(["2020MM06"], scheme=pair).attrs["phase_scheme"] == "custom [2020-03-15, 2021-06-26)"


def test_unknown_scheme_lists_known_names():
    with pytest.raises(ParameterError, match=r"Unknown phase scheme 'lockdown'.*\['measures', 'support', 'lifted'\]"):
        get_scheme("lockdown")
    with pytest.raises(ParameterError, match="Unknown phase scheme"):
        assign_phase(["2020MM01"], scheme="Measures")
    with pytest.raises(ParameterError, match="`scheme` must be one of"):
        get_scheme(42)
    with pytest.raises(ParameterError, match="needs the keys 'start' and 'end'"):
        get_scheme({"begin": "2020-01-01", "end": "2021-01-01"})


@pytest.mark.parametrize("bounds", [("2022-03-23", "2020-03-12"), ("2020-03-12", "2020-03-12")])
def test_boundaries_out_of_order(bounds):
    with pytest.raises(ParameterError, match=r"out of order: `during_start` \(.*\) must be before `during_end`"):
        get_scheme(bounds)
    with pytest.raises(ParameterError, match="out of order"):
        assign_phase(["2020MM01"], scheme={"start": bounds[0], "end": bounds[1]})


def test_bad_boundaries_and_subphases():
    with pytest.raises(ParameterError, match="`during_start` must be a date"):
        PhaseScheme("x", "not a date", "2021-01-01")
    with pytest.raises(ParameterError, match="whole day"):
        PhaseScheme("x", "2020-03-12 12:00", "2021-01-01")
    with pytest.raises(ParameterError, match=r"`subphases\[1\]`.*must start on or after 2020-06-01"):
        PhaseScheme("x", "2020-01-01", "2021-01-01",
                    subphases=(("a", "a", "2020-01-01", "2020-06-01"), ("b", "b", "2020-05-01", "2020-07-01")))
    with pytest.raises(ParameterError, match=r"`subphases\[0\]`.*on or before `during_end` \(2021-01-01\)"):
        PhaseScheme("x", "2020-01-01", "2021-01-01", subphases=(("a", "a", "2020-01-01", "2021-06-01"),))


def test_phase_label():
    assert phase_label("before") == "vóór corona"
    assert phase_label("during", lang="en") == "during corona"
    assert [phase_label(p, "nl") for p in PHASES] == ["vóór corona", "tijdens corona", "na corona"]
    with pytest.raises(ParameterError, match=r"`lang` must be one of \['nl', 'en'\]; got 'de'"):
        phase_label("before", lang="de")


# ---------------------------------------------------------------------------------- the examples of point 3


def test_issue_examples_monthly_and_yearly():
    months = assign_phase(["2020MM02", "2020MM03", "2022MM03", "2022MM04"])
    assert months.tolist() == ["before", "during", "during", "after"]
    years = assign_phase(["2019JJ00", "2020JJ00", "2021JJ00", "2022JJ00"])
    assert years.tolist() == ["before", "during", "during", "after"]


def test_issue_examples_as_pandas_periods_and_timestamps():
    months = pd.PeriodIndex(["2020-03", "2022-03", "2022-04"], freq="M")
    assert assign_phase(months).tolist() == ["during", "during", "after"]
    years = pd.Series(pd.period_range("2019", "2022", freq="Y"))
    assert assign_phase(years).tolist() == ["before", "during", "during", "after"]
    ts = pd.to_datetime(["2020-03-11", "2020-03-12", "2022-03-22 23:59", "2022-03-23"], format="ISO8601")
    assert assign_phase(ts).tolist() == ["before", "during", "during", "after"]


def test_quarters_and_weeks():
    q = assign_phase(["2020KW01", "2020KW02", "2022KW01", "2022KW02"])
    # 2020Q1 holds 71 days before 12 March and 20 during; 2022Q1 has 81 days during
    assert q.tolist() == ["before", "during", "during", "after"]
    weeks = pd.period_range("2020-03-09", periods=2, freq="W")  # Mon 9 - Sun 15 Mar: 3 before, 4 during
    assert assign_phase(weeks).tolist() == ["during", "during"]
    assert assign_phase(weeks, rule="start").tolist() == ["before", "during"]


def test_rules_on_a_straddling_month():
    assert assign_phase(["2020MM03"], rule="start").tolist() == ["before"]
    assert assign_phase(["2020MM03"], rule="end").tolist() == ["during"]
    assert assign_phase(["2022MM03"], rule="end").tolist() == ["after"]
    with pytest.warns(UserWarning, match=r"3 value\(s\) \(2 distinct period\(s\)\) straddle"):
        out = assign_phase(["2020MM03", "2020MM04", "2022MM03", "2020MM03"], rule="exclude")
    assert out.isna().tolist() == [True, False, True, True]
    assert out.iloc[1] == "during"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assign_phase(["2020MM04", "2019MM03"], rule="exclude")  # nothing straddles: no warning


def test_scheme_support_and_lifted():
    codes = ["2020MM02", "2020MM03", "2022MM02", "2022MM03", "2022MM04"]
    assert assign_phase(codes, scheme="support").tolist() == ["before", "during", "during", "during", "after"]
    # lifted ends 25 Feb 2022: February 2022 has 24 days during, March 2022 none
    assert assign_phase(codes, scheme="lifted").tolist() == ["before", "during", "during", "after", "after"]


def test_majority_tie_goes_to_during():
    # a 30-day month split 15/15 and a 31-day month with 15 before, 16 during
    assert assign_phase(["2021MM06"], scheme=("2021-06-16", "2022-01-01")).tolist() == ["during"]
    assert assign_phase(["2021MM06"], scheme=("2020-01-01", "2021-06-16")).tolist() == ["during"]
    assert assign_phase(["2021MM07"], scheme=("2021-07-17", "2022-01-01")).tolist() == ["before"]
    # before and after tie with fewer days during: before
    assert assign_phase(["2021JJ00"], scheme=("2021-07-01", "2021-07-05")).tolist() == ["before"]


# -------------------------------------------------------------------------------------------- the result


def test_result_dtype_index_name_and_attrs():
    s = pd.Series(["2020MM02", "2022MM04", None], index=["a", "b", "c"])
    out = assign_phase(s, scheme="lifted", rule="start")
    assert isinstance(out.dtype, pd.CategoricalDtype) and out.cat.ordered
    assert list(out.cat.categories) == ["before", "during", "after"]
    assert out.index.tolist() == ["a", "b", "c"] and out.name == "phase"
    assert out.attrs == {"phase_scheme": "lifted", "phase_rule": "start", "phase_during": "[2020-03-12, 2022-02-25)"}
    assert (out.iloc[:2] < "during").tolist() == [True, False]  # ordered: before < during < after
    assert pd.isna(out.iloc[2])
    di = pd.DatetimeIndex(["2019-05-01", "2021-05-01"])
    assert assign_phase(di).index.equals(di)
    assert assign_phase(["2020MM02", "2020MM04"]).index.equals(pd.RangeIndex(2))


def test_input_not_mutated():
    s = pd.Series(["2020MM02", "2020MM03", "2022MM04"], index=[5, 6, 7], name="period")
    before = s.copy()
    frame = pd.DataFrame({"period": s, "value": [1, 2, 3]})
    frame_before = frame.copy()
    assign_phase(frame["period"])
    pd.testing.assert_series_equal(s, before)
    pd.testing.assert_frame_equal(frame, frame_before)
    codes = ["2020MM03"]
    assign_phase(codes)
    assert codes == ["2020MM03"]


def test_mixed_and_other_inputs():
    values = ["2020MM02", pd.Timestamp("2021-01-01"), pd.Period("2022-04", "M"), date(2019, 1, 1), "2020-03-12",
              np.datetime64("2022-03-23"), pd.NaT, np.nan]
    assert assign_phase(values).tolist() == ["before", "during", "after", "before", "during", "after", np.nan, np.nan]
    cat = pd.Series(pd.Categorical(["2020MM02", "2020MM04"]))
    assert assign_phase(cat).tolist() == ["before", "during"]
    assert assign_phase("2020MM04").tolist() == ["during"]
    tz = pd.Series(pd.to_datetime(["2020-03-11 23:30", "2020-03-12 00:30"]).tz_localize("Europe/Amsterdam"))
    assert assign_phase(tz).tolist() == ["before", "during"]  # the local calendar day counts
    assert assign_phase(pd.Series([], dtype=object)).tolist() == []


def test_bad_values_and_rule():
    with pytest.raises(ParameterError, match=r"2 value\(s\) that are not a period or a day: '2020MM13'.*'March'"):
        assign_phase(["2020MM01", "2020MM13", "March", "2020MM13"])
    with pytest.raises(ParameterError, match=r"2 value\(s\) .*: 2019 \(unsupported type int\), '2019'\. Expected"):
        assign_phase([2019, "2019"])
    with pytest.raises(ParameterError, match=r"`values` must be one column .* \['period'\]"):
        assign_phase(pd.DataFrame({"period": ["2020MM01"]}))
    expected = r"`rule` must be one of \['majority', 'start', 'end', 'exclude'\]; got 'first'"
    with pytest.raises(ParameterError, match=expected):
        assign_phase(["2020MM01"], rule="first")


def test_sixty_thousand_codes_well_under_a_second():
    rng = np.random.default_rng(7)
    pool = [f"{y}MM{m:02d}" for y in range(2013, 2025) for m in range(1, 13)] + [f"{y}JJ00" for y in range(2013, 2025)]
    codes = pd.Series(rng.choice(pool, 60_000))
    t0 = time.perf_counter()
    out = assign_phase(codes)
    elapsed = time.perf_counter() - t0
    assert elapsed < 0.5, elapsed
    expected = {c: assign_phase([c]).iloc[0] for c in pool}
    assert out.astype(str).tolist() == [expected[c] for c in codes]


def test_subphases():
    out = assign_subphase(
        ["2019MM12", "2020MM04", "2020MM08", "2021MM01", "2021MM07", "2021MM12", "2022MM02", "2022MM05"]
    )
    assert out.tolist() == [
        np.nan,
        "first lockdown",
        "summer 2020",
        "second wave, hard lockdown and curfew",
        "reopening 2021",
        "winter 2021/22 lockdown",
        "phasing out 2022",
        np.nan,
    ]
    assert out.cat.ordered and len(out.cat.categories) == 6 and out.attrs["phase_scheme"] == "measures"
    nl = assign_subphase(pd.to_datetime(["2020-05-31", "2020-06-01"]), lang="nl")
    assert nl.tolist() == ["eerste lockdown", "zomer 2020"]
    with pytest.raises(ParameterError, match="has no subphases"):
        assign_subphase(["2020MM04"], scheme=("2020-03-01", "2021-01-01"))
    gap = PhaseScheme(
        "gap",
        "2020-01-01",
        "2021-01-01",
        subphases=(("a", "a", "2020-01-01", "2020-03-01"), ("b", "b", "2020-06-01", "2020-09-01")),
    )
    assert assign_subphase(["2020MM02", "2020MM04", "2020MM07", "2020MM11"], scheme=gap).tolist() == [
        "a",
        np.nan,
        "b",
        np.nan,
    ]


# --------------------------------------------------------------------------------------------- properties


@FAST
@given(day=days, bounds=schemes())
def test_every_day_falls_in_exactly_one_phase(day, bounds):
    start, end = bounds
    out = assign_phase([day, pd.Timestamp(day), pd.Period(day, "D")], scheme=bounds)
    expected = reference_phase(day, start, end)
    assert out.tolist() == [expected] * 3
    for rule in ("start", "end", "exclude"):
        assert assign_phase([day], scheme=bounds, rule=rule).tolist() == [expected]


@FAST
@given(bounds=schemes())
def test_boundaries_are_half_open(bounds):
    start, end = bounds
    one = timedelta(days=1)
    out = assign_phase(pd.to_datetime([start - one, start, end - one, end]), scheme=bounds)
    assert out.tolist() == ["before", "during", "during", "after"]


@FAST
@given(code=cbs_codes(), bounds=schemes())
def test_majority_agrees_with_counting_days(code, bounds):
    start, end = bounds
    first, last = code_days(code)
    counts = day_counts(first, last, start, end)
    assert assign_phase([code], scheme=bounds).tolist() == [reference_majority(counts)]
    assert assign_phase([code], scheme=bounds, rule="start").tolist() == [reference_phase(first, start, end)]
    assert assign_phase([code], scheme=bounds, rule="end").tolist() == [reference_phase(last, start, end)]


@FAST
@given(code=cbs_codes(), scheme=st.sampled_from(list(SCHEMES)))
def test_majority_agrees_with_counting_days_builtin(code, scheme):
    start, end = (d.date() for d in SCHEMES[scheme].boundaries)
    first, last = code_days(code)
    assert assign_phase([code], scheme=scheme).iloc[0] == reference_majority(day_counts(first, last, start, end))


@FAST
@given(codes=st.lists(cbs_codes(), min_size=1, max_size=30), bounds=schemes())
def test_exclude_only_removes_straddling_periods(codes, bounds):
    start, end = bounds
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = assign_phase(codes, scheme=bounds, rule="exclude")
    straddling = []
    for code, phase in zip(codes, out, strict=True):
        first, last = code_days(code)
        straddles = reference_phase(first, start, end) != reference_phase(last, start, end)
        straddling.append(straddles)
        if straddles:
            assert pd.isna(phase)
        else:
            assert phase == reference_phase(first, start, end)
            assert phase == assign_phase([code], scheme=bounds).iloc[0]
    n = sum(straddling)
    messages = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    if n:
        assert len(messages) == 1 and messages[0].startswith(f"rule='exclude': {n} value(s)")
    else:
        assert messages == []


# ------------------------------------------------------------------------------------------------- drawing


def _date_axes(first="2019-01-01", last="2023-12-31"):
    fig, ax = plt.subplots()
    x = pd.date_range(first, last, freq="MS")
    ax.plot(x, np.arange(len(x)))
    return ax


def _gids(artists, prefix):
    return [a.get_gid() for a in artists if (a.get_gid() or "").startswith(prefix)]


def test_draw_phases_spans_key_dates_and_dutch_labels():
    ax = _date_axes()
    xlim = ax.get_xlim()
    n_lines = len(ax.lines)
    assert draw_phases(ax) is ax
    assert ax.get_xlim() == xlim
    assert _gids(ax.patches, "phase:") == ["phase:before", "phase:during", "phase:after"]
    during = next(p for p in ax.patches if p.get_gid() == "phase:during")
    assert during.get_x() == pytest.approx(mdates.date2num(pd.Timestamp("2020-03-12")))
    assert during.get_x() + during.get_width() == pytest.approx(mdates.date2num(pd.Timestamp("2022-03-23")))
    key = load_timeline().query("key_date")["date"].drop_duplicates()
    assert len(ax.lines) - n_lines == len(key) == len(_gids(ax.lines, "key_date:"))
    assert [t.get_text() for t in ax.texts] == ["vóór corona", "tijdens corona", "na corona"]


def test_draw_phases_english_subphases_and_clipping():
    ax = _date_axes("2020-01-01", "2021-12-31")
    draw_phases(ax, "support", lang="en", subphases=True, key_dates=["2020-06-01", "2015-01-01"])
    assert _gids(ax.patches, "phase:") == ["phase:before"]  # after starts outside the x-range
    assert len(_gids(ax.patches, "subphase:")) == 5  # phasing out 2022 lies outside the x-range
    assert _gids(ax.lines, "key_date:") == ["key_date:2020-06-01"]
    texts = [t.get_text() for t in ax.texts]
    assert texts[:2] == ["before corona", "first lockdown"] and "during corona" in texts
    assert "after corona" not in texts


def test_draw_phases_without_labels_or_key_dates():
    ax = _date_axes()
    draw_phases(ax, ("2020-03-15", "2021-06-26"), key_dates=False, labels=False)
    assert len(ax.patches) == 3 and len(ax.texts) == 0 and len(ax.lines) == 1
    with pytest.raises(ParameterError, match="`lang` must be one of"):
        draw_phases(ax, lang="fr")


def test_draw_phases_on_a_pandas_series_plot():
    s = pd.Series(np.arange(72.0), index=pd.date_range("2018-01-01", periods=72, freq="MS"))
    ax = s.plot()  # pandas puts monthly period ordinals on the x-axis, not matplotlib dates
    draw_phases(ax, key_dates=False)
    during = next(p for p in ax.patches if p.get_gid() == "phase:during")
    march_2020 = pd.Period("2020-03", "M").ordinal
    assert during.get_x() == pytest.approx(march_2020 + 11 / 31)  # 12 March: 11 of 31 days into the month
    assert during.get_x() + during.get_width() == pytest.approx(march_2020 + 24 + 22 / 31)  # 23 March 2022


def test_phase_colours_distinct_in_grey_scale():
    from matplotlib.colors import to_rgb

    from cosie_analysis.style import PHASE_COLORS

    grey = {k: np.dot(to_rgb(c), [0.299, 0.587, 0.114]) for k, c in PHASE_COLORS.items()}
    levels = sorted(grey.values())
    assert min(np.diff(levels)) > 0.04  # at least ~10 of 255 grey levels apart
    assert grey["during"] == levels[0]  # the corona phase is the darkest
