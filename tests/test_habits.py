"""Habits a newcomer can rely on: modules short enough to read, functions short enough to hold in mind.

- A module has at most :data:`MAX_MODULE_LINES` lines; split it when it grows past that or holds two ideas.
- A function body (its docstring not counted) has at most :data:`MAX_FUNCTION_LINES` lines, unless a
  comment line directly above its ``def`` (or its first decorator) says why it is long, containing
  the word "long", e.g. ``# Long: one pass over the design, kept together for speed``.

The modules and functions that were over the limits when these checks came in have all been split
(2026-12-04); there is no list of exceptions any more.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cosie_analysis"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80



def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def module_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES, root: Path = PACKAGE) -> dict[str, int]:
    """``"module::qualified.name"`` -> body length, for functions over ``limit`` without a reason."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found: dict[str, int] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    n = child.end_lineno - child.lineno + 1
                    first = child.body[0]
                    if (
                        isinstance(first, ast.Expr)
                        and isinstance(first.value, ast.Constant)
                        and isinstance(first.value.value, str)
                    ):
                        n -= first.end_lineno - first.lineno + 1
                    top = min([child.lineno] + [d.lineno for d in child.decorator_list])
                    above = lines[top - 2].strip() if top >= 2 else ""
                    reasoned = above.startswith("#") and "long" in above.lower()
                    if n > limit and not reasoned:
                        found[f"{path.relative_to(root).as_posix()}::{name}"] = n
                visit(child, name + ".")

    visit(ast.parse(source), "")
    return found


def test_the_function_check_can_fail(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(5))
    src = tmp_path / "m.py"
    src.write_text(
        f'def short():\n    """Doc."""\n{body}\n\n'
        f"def long_one():\n{body}\n\n"
        f"# Long: kept in one piece on purpose\ndef reasoned():\n{body}\n",
        encoding="utf-8",
    )
    assert long_functions(src, limit=5, root=tmp_path) == {"m.py::long_one": 6, "m.py::short": 6}  # def line + 5
    assert long_functions(src, limit=6, root=tmp_path) == {}


def test_modules_are_short():
    over = {_rel(p): module_lines(p) for p in _modules() if module_lines(p) > MAX_MODULE_LINES}
    assert not over, f"modules over {MAX_MODULE_LINES} lines: {over}. Split them along the data flow."


def test_functions_are_short():
    over = {k: v for p in _modules() for k, v in long_functions(p).items()}
    assert not over, (
        f"functions over {MAX_FUNCTION_LINES} lines (docstring not counted): {over}. Split them, or write "
        "a comment line containing 'long' directly above the def saying why it stays in one piece."
    )


def test_make_test_runs_lint_types_doctests_and_notebooks():
    """The habits are only habits if `make test` runs them."""
    makefile = (PACKAGE.parent / "Makefile").read_text(encoding="utf-8")
    target = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check" in target
    assert "mypy" in target
    assert "--doctest-modules" in target and "cosie_analysis" in target
    assert "notebooks --nbval-lax" in target
