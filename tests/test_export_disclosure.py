"""Every export passes disclosure control, and synthetic register data is marked as synthetic."""

from __future__ import annotations

import shutil

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import cosie_analysis as ca
from cosie_analysis.pilot.register import register_to_observations, synthetic_register
from cosie_analysis.report.disclosure import DisclosureError
from cosie_analysis.report.export import save_figure, save_table


@pytest.fixture
def synthetic_matches():
    """Paid-work matches in the synthetic Houten register, summed per corona phase."""
    obs = register_to_observations(synthetic_register("houten", seed=4), source_name="synthetic.csv")
    matches = obs[obs["indicator"] == "pilot_matches__betaald_werk"].copy()
    matches["phase"] = ca.assign_phase(matches["period"]).astype(str)
    table = matches.groupby(["indicator", "source_table", "phase"], as_index=False)["value"].sum()
    return obs, table


def test_synthetic_register_table_is_protected_and_marked(synthetic_matches, tmp_path):
    _, table = synthetic_matches
    before = table.copy()
    csv, tex, md = save_table(table, "matches", lang="nl", published=False, out_dir=tmp_path)
    pd.testing.assert_frame_equal(table, before)
    written = pd.read_csv(csv, dtype=str)
    assert set(written["phase"]) == {"before", "during", "after", "total"}
    shown = written[written["value"] != "."]
    assert (shown["value"].astype(int) % 5 == 0).all(), "counts must be rounded to base 5"
    cells = written[written["phase"] != "total"]
    if (cells["value"] != ".").all():  # no suppression: the total is the sum of the rounded cells
        assert int(written.loc[written["phase"] == "total", "value"].item()) == cells["value"].astype(int).sum()
    text = md.read_text()
    assert "SYNTHETISCH" in text.upper()
    assert "afgerond op een veelvoud van 5" in text


def test_register_counts_cannot_be_exported_as_published(synthetic_matches, tmp_path):
    _, table = synthetic_matches
    with pytest.raises(DisclosureError):
        save_table(table, "matches", published=True, out_dir=tmp_path)
    assert not list(tmp_path.glob("*")), "nothing may be written"


def test_figure_from_synthetic_data_is_watermarked(synthetic_matches, tmp_path):
    obs, table = synthetic_matches
    protected = ca.protect(table, count="value", over="phase", by=["indicator", "source_table"])
    fig, ax = plt.subplots(layout="constrained")
    ax.bar(protected["phase"], protected["value"].fillna(0))
    (svg,) = save_figure(fig, "matches_en", formats=("svg",), lang="en", data=protected, published=False,
                         source="pilot register", out_dir=tmp_path)
    content = svg.read_text()
    assert "SYNTHETIC" in content.upper()
    assert '"synthetic": true' in content.replace("&quot;", '"')


@pytest.mark.realdata
def test_registers_in_data_raw_pilot_join_the_build(real_data_dir, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(real_data_dir / "raw", raw)
    (raw / "pilot").mkdir()
    register = synthetic_register("nieuwegein", seed=2)
    register.drop(columns=[c for c in ("period_start", "period_end", "frequency") if c in register]).to_csv(
        raw / "pilot" / "nijpels_synthetic.csv", index=False)
    ca.build_observations(raw=raw, processed=tmp_path / "processed")
    obs = pd.read_parquet(tmp_path / "processed" / "observations.parquet")
    pilot = obs[obs["region_level"] == "pilot"]
    assert len(pilot) > 0
    assert pilot["source_table"].str.startswith("SYNTHETIC").all()
    assert pilot["label_en"].str.contains("SYNTHETIC").all()
    assert len(obs) - len(pilot) == len(pd.read_parquet(real_data_dir / "processed" / "observations.parquet"))
