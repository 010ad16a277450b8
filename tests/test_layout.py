"""The package layout shows the data flow, and imports only point down it.

``sources -> data/raw -> observations -> phases -> estimates -> figures and tables``: a module may
import from its own layer or from an earlier one, never from a later one, and never in a cycle.
Every import counts, including those inside functions and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "cosie_analysis"

#: The layers in flow order; a module belongs to the first entry its dotted name starts with.
LAYERS = (
    ("errors", "paths", "_io", "_checks", "_progress", "_format", "words", "_sdc"),  # base: no I/O, no statistics
    # (_sdc: the disclosure-control arithmetic, so that qda/ and report/ protect counts with one code)
    ("data",),  # sources -> data/raw: registry, fetch, readers, schema, periods, regions
    ("style",),  # the house style: palette, number formats (no plotting)
    ("phases",),  # the corona timeline and phase assignment (reads only its own resource)
    ("pilot",),  # the pilots' own registers (synthetic ones plant their effects by phase)
    ("observations", "municipality_table", "catalog", "citation"),  # data/processed: the observation table; the
    # municipality table; finding and citing the data
    ("plotting", "facets"),  # axes-level plot functions (plotting/: axes, phase_bands, series, comparison); facets
    ("estimate",),  # summaries, ITS, synthetic control, DiD
    ("qda",),  # coded narratives: QDA exports, themes per phase, intercoder agreement
    ("report",),  # figures (figure_base; crime, comparison, area, timeline builders), tables, exports, disclosure
    ("cli", "__main__", "__init__"),  # the application and the public API
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(name: str) -> int:
    for i, layer in enumerate(LAYERS):
        if any(name == top or name.startswith(top + ".") for top in layer):
            return i
    raise AssertionError(f"module cosie_analysis.{name} is in no layer: add it to LAYERS in {__file__}")


def imports_of(path: Path) -> set[str]:
    """Every cosie_analysis module that ``path`` imports, as names relative to the package."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cosie_analysis."):
            found.add(node.module.removeprefix("cosie_analysis."))
        elif isinstance(node, ast.Import):
            found |= {
                a.name.removeprefix("cosie_analysis.") for a in node.names if a.name.startswith("cosie_analysis.")
            }
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: use absolute imports (found a relative import)")
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(package.rglob("*.py"))}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Upward imports and import cycles, as readable lines."""
    out = []
    for module, targets in graph.items():
        for target in sorted(targets):
            if layer_of(target) > layer_of(module):
                out.append(f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})")
    # cycles: depth-first search over module -> imported module
    state: dict[str, int] = {}

    def visit(node, stack):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                out.append("cycle: " + " -> ".join(stack[stack.index(nxt) :] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return out


def test_imports_point_down_the_flow_without_cycles():
    graph = import_graph()
    assert len(graph) > 20
    assert violations(graph) == []


def test_the_check_fails_on_an_upward_import_and_on_a_cycle():
    graph = {"data.fetch": {"estimate.its"}, "estimate.its": set()}
    assert violations(graph) == ["data.fetch (layer 1) imports estimate.its (layer 7)"]
    graph = {"estimate.its": {"estimate.batch"}, "estimate.batch": {"estimate.its"}}
    assert violations(graph) == ["cycle: estimate.batch -> estimate.its -> estimate.batch"]


def test_function_level_imports_count(tmp_path):
    pkg = tmp_path / "cosie_analysis"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "fetch.py").write_text("def f():\n    from cosie_analysis.report.figures import x\n")
    assert imports_of(pkg / "data" / "fetch.py") == {"report.figures"}


@pytest.mark.parametrize("module", ["its", "batch", "summaries", "synth", "comparison"])
def test_estimators_live_in_estimate(module):
    assert (PACKAGE / "estimate" / f"{module}.py").exists()
