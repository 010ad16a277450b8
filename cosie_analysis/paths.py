"""Repository-anchored paths and their environment overrides. No I/O happens here.

Environment variables
---------------------
COSIE_MIRROR
    The offline mirror of the public source tables. Default: ``../shared/cosie-data`` next to the
    repository.
COSIE_DATA_DIR
    The folder holding ``raw/`` and ``processed/``. Default: ``data/`` in the repository.
COSIE_REPORTS_DIR
    Where ``cosie-analysis report`` writes figures, tables and the index. Default: ``reports/``.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "REPO_ROOT",
    "REGISTRY_PATH",
    "data_dir",
    "mirror_dir",
    "processed_dir",
    "raw_dir",
    "reports_dir",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The committed registry of source tables and the sha256 of every stored file.
REGISTRY_PATH = REPO_ROOT / "data" / "registry.json"


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


def mirror_dir() -> Path:
    """The offline mirror: ``$COSIE_MIRROR`` or ``../shared/cosie-data`` beside the repository."""
    return _env_path("COSIE_MIRROR", REPO_ROOT.parent / "shared" / "cosie-data")


def data_dir() -> Path:
    """The data folder: ``$COSIE_DATA_DIR`` or ``data/`` in the repository."""
    return _env_path("COSIE_DATA_DIR", REPO_ROOT / "data")


def raw_dir() -> Path:
    """``data/raw``: fetched source files, never modified after fetching."""
    return data_dir() / "raw"


def processed_dir() -> Path:
    """``data/processed``: rebuilt from ``data/raw`` by ``cosie-analysis build``."""
    return data_dir() / "processed"


def reports_dir() -> Path:
    """``reports/``: figures, tables and the index written by ``cosie-analysis report``."""
    return _env_path("COSIE_REPORTS_DIR", REPO_ROOT / "reports")
