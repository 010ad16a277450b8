"""Every error the package raises is a CosieError subclass whose message says what to do.

A scan of the package source (``ast``) fails on any ``raise X(...)`` where ``X`` is not one of the
CosieError subclasses in :mod:`cosie_analysis.errors`. Allowed besides: a bare ``raise`` or
re-raising a caught exception (``raise err``), ``NotImplementedError``, ``AttributeError`` inside a
module or class ``__getattr__`` (Python's protocol), ``KeyError`` inside ``__getitem__`` (the
Mapping protocol) and ``SystemExit`` in ``__main__``.
"""

from __future__ import annotations

import ast
import inspect
import warnings
from pathlib import Path

import pandas as pd
import pytest

import cosie_analysis as ca
from cosie_analysis import errors

PACKAGE = Path(ca.__file__).resolve().parent

#: Names of the package's own exception classes (all CosieError subclasses, defined in errors.py).
COSIE_ERRORS = {
    name for name, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, errors.CosieError)
}
#: Exception -> the function names inside which raising it is the protocol.
PROTOCOL = {"AttributeError": {"__getattr__"}, "KeyError": {"__getitem__"}}


def _raised_name(node: ast.Raise) -> str | None:
    """The class name a raise statement raises, or None for a re-raise."""
    exc = node.exc
    if exc is None:
        return None
    if isinstance(exc, ast.Call):
        exc = exc.func
    if isinstance(exc, ast.Attribute):
        return exc.attr
    if isinstance(exc, ast.Name):
        # `raise err` re-raises a caught exception (lower case by convention); `raise ValueError` is a class
        return exc.id if exc.id[:1].isupper() else None
    return "<expression>"


def foreign_raises(path: Path) -> list[str]:
    """``file:line raise X`` for every raise in ``path`` of something other than a CosieError."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Raise):
                name = _raised_name(child)
                allowed = (
                    name is None
                    or name in COSIE_ERRORS
                    or name == "NotImplementedError"
                    or function in PROTOCOL.get(name, ())
                    or (name == "SystemExit" and path.name == "__main__.py")
                )
                if not allowed:
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{child.lineno} raise {name}")
            visit(child, inner)

    visit(tree, None)
    return found


def test_the_scan_finds_foreign_raises(tmp_path):
    """The scan itself can fail: it flags bare ValueError/KeyError and accepts the allowed forms."""
    src = tmp_path / "cosie_analysis" / "mod.py"
    src.parent.mkdir()
    src.write_text(
        "def f(x):\n"
        "    if x:\n        raise ValueError('bad')\n"
        "    raise KeyError\n"
        "def g():\n"
        "    try:\n        pass\n    except Exception as err:\n        raise err\n"
        "    raise ParameterError('ok')\n"
        "def __getattr__(name):\n    raise AttributeError(name)\n"
        "def h():\n    raise errors.SchemaError('ok')\n",
        encoding="utf-8",
    )
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "cosie_analysis"
    try:
        found = foreign_raises(src)
        assert found == ["cosie_analysis/mod.py:3 raise ValueError", "cosie_analysis/mod.py:4 raise KeyError"]
    finally:
        PACKAGE = saved


def test_package_raises_only_cosie_errors():
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) for hit in foreign_raises(path)]
    assert not found, (
        "raise a CosieError subclass from cosie_analysis.errors (ParameterError for bad arguments, "
        "InputFileError for files, SchemaError for tables) whose message says how to fix it:\n  " + "\n  ".join(found)
    )


def test_every_error_class_is_a_cosie_error_and_exported():
    assert COSIE_ERRORS <= set(errors.__all__)
    assert COSIE_ERRORS <= set(ca.__all__)
    for name in ("ParameterError", "InputFileError", "SchemaError", "RegistryError", "DisclosureError"):
        assert issubclass(getattr(errors, name), ValueError), name


def test_disclosure_error_has_one_class_and_the_old_import_still_works():
    from cosie_analysis.report.disclosure import DisclosureError

    assert DisclosureError is errors.DisclosureError is ca.DisclosureError


def _valid_row(**changes) -> dict:
    row = dict.fromkeys(ca.OBSERVATION_COLUMNS, "x")
    row.update(frequency="year", status="definitive", value=1.0, period="2020")
    row.update(changes)
    return row


def test_validate_observations_raises_schema_error_listing_every_problem():
    bad = pd.DataFrame([_valid_row(status="weird"), _valid_row(status="weird", frequency="week")])
    before = bad.copy()
    with pytest.raises(errors.SchemaError) as info:
        ca.validate_observations(bad)
    message = str(info.value)
    assert "unknown status value(s) ['weird']" in message
    assert "unknown frequency value(s) ['week']" in message
    assert "1 duplicate (indicator, region_code, period) keys" in message
    assert message.endswith("then validate again.")
    assert isinstance(info.value, ValueError)
    pd.testing.assert_frame_equal(bad, before)


def test_validate_observations_names_missing_columns_and_the_fix():
    with pytest.raises(errors.SchemaError, match=r"lacks column\(s\) \['status'\].*build_observations\(\)"):
        ca.validate_observations(pd.DataFrame([_valid_row()]).drop(columns="status"))


def test_validate_observations_returns_a_valid_table_unchanged():
    ok = pd.DataFrame([_valid_row()])
    assert ca.validate_observations(ok) is ok


# ------------------------------------------------------------- unknown lang, region codes, indicators
def _pooled_input() -> pd.DataFrame:
    """Synthetic: two towns, one year, one offence type."""
    return pd.DataFrame({
        "indicator": ["crime_1_1_1", "crime_1_1_1", "population", "population"],
        "source_table": ["47018NED", "47018NED", "70072NED", "70072NED"],
        "region_code": ["GM0001", "GM0002", "GM0001", "GM0002"],
        "period": "2020", "period_start": pd.Timestamp("2020-01-01"), "period_end": pd.Timestamp("2021-01-01"),
        "frequency": "year", "value": [30.0, 10.0, 10000.0, 30000.0], "status": "definitive",
    })  # fmt: skip


def test_pooled_rates_unknown_offence_key_is_a_parameter_error():
    with pytest.raises(ca.ParameterError, match=r"offence key\(s\) \['9\.9\.9'\].*Keys with counts: \['1\.1\.1'\]"):
        ca.pooled_rates(_pooled_input(), ["1.1.1", "9.9.9"], {"A": ["GM0001"]})


def test_pooled_rates_unknown_region_code_is_a_parameter_error():
    obs = _pooled_input()
    before = obs.copy()
    with pytest.raises(ca.ParameterError, match=r"code\(s\) \['GM9999'\] that do not occur"):
        ca.pooled_rates(obs, ["1.1.1"], {"A": ["GM0001", "GM9999"]})
    pd.testing.assert_frame_equal(obs, before)


def test_pooled_rates_pools_by_population():
    """Independent check: the pooled rate is summed offences over summed population."""
    out = ca.pooled_rates(_pooled_input(), ["1.1.1"], {"AB": ["GM0001", "GM0002"]})
    assert out["value"].tolist() == [(30 + 10) / (10000 + 30000) * 1000]


def test_plot_ranking_unknown_lang_and_highlight_are_parameter_errors():
    data = pd.DataFrame({"region_code": ["GM0001", "GM0002"], "value": [1.0, 2.0]})
    with pytest.raises(ca.ParameterError, match=r"`lang` must be one of \['nl', 'en'\]; got 'de'"):
        ca.plot_ranking(data, lang="de")
    with pytest.raises(ca.ParameterError, match=r"`highlight` names unit\(s\) \['GM9999'\]"):
        ca.plot_ranking(data, highlight={"GM9999": "nowhere"})


@pytest.mark.parametrize("call", [
    lambda: ca.phase_label("before", lang="de"),
    lambda: ca.plot_ranking(pd.DataFrame({"region_code": ["GM0001"], "value": [1.0]}), lang="de"),
    lambda: ca.report_figure("no-such-figure"),
    lambda: ca.plot_timeseries(_pooled_input(), lang="de"),
    lambda: ca.plot_phase_comparison(pd.DataFrame({"region_code": [], "phase": []}), lang="de"),
])  # fmt: skip
def test_unknown_choices_raise_parameter_errors(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(ca.ParameterError, match="must be one of"):
            call()


def test_coverage_unknown_region_code_is_a_parameter_error():
    from cosie_analysis.report.overview import coverage

    obs = _pooled_input().assign(region_level="gemeente", status="definitive")
    with pytest.raises(ca.ParameterError, match=r"`regions` names code\(s\) \['GM9999'\]"):
        coverage(obs, regions=["GM0001", "GM9999"])
    assert coverage(obs, regions=["GM0001"])["n_regions"].tolist() == [1, 1]  # crime and population rows
