import pandas as pd
import pytest

from cosie_analysis.data.periods import parse_period, parse_periods
from cosie_analysis.errors import ParameterError


@pytest.mark.parametrize(
    "code, start, end, freq",
    [
        ("2019JJ00", "2019-01-01", "2019-12-31", "year"),
        ("2020KW01", "2020-01-01", "2020-03-31", "quarter"),
        ("2020KW04", "2020-10-01", "2020-12-31", "quarter"),
        ("2020MM02", "2020-02-01", "2020-02-29", "month"),  # leap year
        ("2021MM12", "2021-12-01", "2021-12-31", "month"),
    ],
)
def test_parse_period(code, start, end, freq):
    assert parse_period(code) == (pd.Timestamp(start), pd.Timestamp(end), freq)


@pytest.mark.parametrize(
    "code", ["2019JJ01", "2019KW05", "2019KW00", "2019MM13", "2019MM00", "2019X", "19JJ00", "2019W01", None]
)
def test_unknown_codes_are_errors(code):
    with pytest.raises(ParameterError, match="Unknown CBS period code"):
        parse_period(code)


def test_parse_periods_keeps_order_and_names_bad_positions():
    codes = ["2020MM03", "2019JJ00", "2020MM03"]
    out = parse_periods(codes)
    assert out["period"].tolist() == codes
    assert out["frequency"].tolist() == ["month", "year", "month"]
    with pytest.raises(ParameterError, match=r"\['2020MM13'\] at position\(s\) \[1\]"):
        parse_periods(["2020MM01", "2020MM13"])
