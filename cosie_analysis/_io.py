"""Atomic file writing: nothing is half-written, and a failure leaves the previous files intact."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

__all__ = ["atomic_write", "atomic_write_bytes"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(writers: Mapping[Path, Callable[[Path], object]]) -> None:
    """Write each target through ``writer(temporary path)``; replace the targets only when all succeeded.

    The temporary files sit beside their targets (same file system, so ``os.replace`` is atomic) and
    get the usual permissions (0666 less the umask), not mkstemp's 0600.
    """
    temps: dict[Path, Path] = {}
    mode = 0o666 & ~_umask()
    try:
        for target, write in writers.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            os.close(fd)
            os.chmod(name, mode)
            temps[target] = Path(name)
            write(Path(name))
        for target, tmp in temps.items():
            os.replace(tmp, target)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write({Path(path): lambda tmp: tmp.write_bytes(data)})
