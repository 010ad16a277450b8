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
    """The offline mirror of the public source tables.

    Returns
    -------
    pathlib.Path
        ``$COSIE_MIRROR`` (absolute, ``~`` expanded) when set, else ``../shared/cosie-data`` beside
        the repository. The folder need not exist: ``cosie-analysis fetch --offline`` says so if not.

    Examples
    --------
    >>> from cosie_analysis.paths import mirror_dir
    >>> mirror_dir().is_absolute()
    True
    """
    return _env_path("COSIE_MIRROR", REPO_ROOT.parent / "shared" / "cosie-data")


def data_dir() -> Path:
    """The data folder, holding ``raw/`` and ``processed/``.

    Returns
    -------
    pathlib.Path
        ``$COSIE_DATA_DIR`` when set, else ``data/`` in the repository.

    Examples
    --------
    >>> from cosie_analysis.paths import data_dir, raw_dir
    >>> raw_dir() == data_dir() / "raw"
    True
    """
    return _env_path("COSIE_DATA_DIR", REPO_ROOT / "data")


def raw_dir() -> Path:
    """The fetched source files, never modified after fetching.

    Returns
    -------
    pathlib.Path
        ``raw/`` in :func:`data_dir`.

    Examples
    --------
    >>> from cosie_analysis.paths import raw_dir
    >>> raw_dir().name
    'raw'
    """
    return data_dir() / "raw"


def processed_dir() -> Path:
    """The processed data, rebuilt from ``data/raw`` by ``cosie-analysis build``.

    Returns
    -------
    pathlib.Path
        ``processed/`` in :func:`data_dir`.

    Examples
    --------
    >>> from cosie_analysis.paths import processed_dir
    >>> processed_dir().name
    'processed'
    """
    return data_dir() / "processed"


def reports_dir() -> Path:
    """Where ``cosie-analysis report`` writes figures, tables and the index.

    Returns
    -------
    pathlib.Path
        ``$COSIE_REPORTS_DIR`` when set, else ``reports/`` in the repository.

    Examples
    --------
    >>> from cosie_analysis.paths import reports_dir
    >>> reports_dir().is_absolute()
    True
    """
    return _env_path("COSIE_REPORTS_DIR", REPO_ROOT / "reports")
