"""Root pytest configuration: what the doctests in ``cosie_analysis/`` need (``make test`` runs them
with ``--doctest-modules``). The test suite's own fixtures live in ``tests/conftest.py``.

Examples in docstrings are self-contained (they import what they use), run on small synthetic frames
labelled as such, and mark calls that need the real data with ``# doctest: +SKIP``.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # headless, before pyplot is imported anywhere

import pytest  # noqa: E402

#: ``python -m cosie_analysis`` runs the command line on import: not a module to collect.
collect_ignore = ["cosie_analysis/__main__.py"]


@pytest.fixture(autouse=True)
def _doctest_environment(request, doctest_namespace):
    """Fixed pandas display options and closed figures, so examples print and clean up the same way."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    import matplotlib.pyplot as plt
    import pandas as pd

    with pd.option_context("display.width", 100, "display.max_columns", 20):
        yield
    plt.close("all")
