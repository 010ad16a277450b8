"""Shared fixtures: a headless matplotlib, figures closed after each test, the offline mirror, and one
real observation table built once per test session into a temporary data folder."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from cosie_analysis import paths  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror of the public tables; tests that need it skip when it is absent."""
    path = paths.mirror_dir()
    if not (path / "SHA256SUMS").is_file():
        pytest.skip(f"offline mirror not found at {path} (set COSIE_MIRROR)")
    return path


@pytest.fixture(scope="session")
def real_data_dir(mirror, tmp_path_factory) -> Path:
    """A data folder with raw/ fetched offline from the mirror and processed/ built from it."""
    from cosie_analysis.data.fetch import fetch
    from cosie_analysis.observations import build_observations

    data = tmp_path_factory.mktemp("data")
    fetch(offline=True, mirror=mirror, raw=data / "raw", progress=False)
    build_observations(raw=data / "raw", processed=data / "processed")
    return data


@pytest.fixture(scope="session")
def observations(real_data_dir):
    """The real observation table (read-only by convention: copy before changing)."""
    import pandas as pd

    return pd.read_parquet(real_data_dir / "processed" / "observations.parquet")


@pytest.fixture
def use_real_data(real_data_dir, monkeypatch):
    """Point the package's data folder at the session's real data (for load_observations())."""
    monkeypatch.setenv("COSIE_DATA_DIR", str(real_data_dir))
    return real_data_dir
