"""Progress bars only where a progress bar can show.

``tqdm.auto`` picks the notebook widget inside Jupyter and warns "IProgress not found. Please update
jupyter and ipywidgets" when ipywidgets is missing, even for a bar that is disabled. :func:`tqdm`
here picks the widget only in a Jupyter kernel that has ipywidgets, the plain text bar elsewhere,
and imports nothing of the notebook machinery for a disabled bar.
"""

from __future__ import annotations

import importlib.util
import sys

__all__ = ["tqdm", "widgets_available"]


def widgets_available() -> bool:
    """True inside a Jupyter kernel whose environment has ipywidgets (a widget bar can show)."""
    ipython = sys.modules.get("IPython")
    if ipython is None or importlib.util.find_spec("ipywidgets") is None:
        return False
    try:
        shell = ipython.get_ipython()
    except AttributeError:
        return False
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def tqdm(*args, disable: bool = False, **kwargs):
    """A progress bar with tqdm's arguments: the notebook widget where it can show, plain text otherwise.

    Examples
    --------
    >>> with tqdm(total=3, disable=True) as bar:
    ...     bar.update(3)
    """
    if not disable and widgets_available():
        from tqdm.notebook import tqdm as notebook_tqdm

        return notebook_tqdm(*args, **kwargs)
    from tqdm.std import tqdm as text_tqdm

    return text_tqdm(*args, disable=disable, **kwargs)
