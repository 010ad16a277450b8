"""Progress bars only where they can show: no stray "IProgress not found" in a notebook without ipywidgets."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cosie_analysis._progress import tqdm, widgets_available

PACKAGE = Path(__file__).resolve().parents[1] / "cosie_analysis"


def test_no_module_uses_tqdm_auto():
    users = [
        p.name
        for p in PACKAGE.rglob("*.py")
        if "tqdm.auto" in p.read_text(encoding="utf-8").replace('"tqdm.auto"', "") and p.name != "_progress.py"
    ]
    assert users == []


def test_outside_jupyter_the_bar_is_plain_text():
    from tqdm.std import tqdm as text_tqdm

    assert not widgets_available()
    bar = tqdm(total=2, disable=True)
    assert type(bar) is text_tqdm and bar.disable
    bar.close()


@pytest.mark.skipif(importlib.util.find_spec("nbclient") is None, reason="needs nbclient (installed with jupyterlab)")
def test_notebook_without_ipywidgets_prints_no_iprogress_warning():
    import nbformat
    from nbclient import NotebookClient

    root = PACKAGE.parent
    code = f"""import sys; sys.path.insert(0, {str(root)!r}); sys.path.insert(0, {str(root / "tests")!r})
import warnings; warnings.simplefilter("always")
import cosie_analysis as ca
from synthetic import yearly_panel
panel = yearly_panel(seed=1, n_units=3)  # synthetic
result = ca.batch_its(panel, progress=False)
from cosie_analysis._progress import tqdm
with tqdm(total=2) as bar:
    bar.update(2)
print("done", len(result.summary()) > 0)"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(root)}}).execute()
    outputs = nb.cells[0].outputs
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "done True" in text
    assert "IProgress" not in text, text
