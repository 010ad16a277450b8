"""Documentation where researchers look: ``help()`` on every public name shows a numpydoc docstring.

Every callable in ``cosie_analysis.__all__`` needs a docstring with a Parameters section documenting
every parameter of its signature (and nothing else), a Returns section (functions) and an Examples
section. The check uses numpydoc's own validator (``numpydoc.validate``), restricted to these codes:

======  ============================================================
GL08    the object has no docstring
PR01    a parameter of the signature is not documented
PR02    a documented parameter is not in the signature
RT01    a function has no Returns section
EX01    no Examples section
======  ============================================================

Every public name is documented (the list of names still pending emptied on 2026-12-04 and is gone):
a new public name comes with its docstring.

The lazy ``__init__`` also imports every public name under ``TYPE_CHECKING`` so that IDEs and type
checkers see the real signatures; a test keeps that block and the lazy table ``_LAZY`` in step.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import numpydoc.validate as numpydoc_validate  # in the `test` extra: a missing numpydoc fails, never skips
import pytest

import cosie_analysis as ca

INIT = Path(ca.__file__)

#: The numpydoc validation codes every public callable must pass (see the module docstring).
REQUIRED = {"GL08", "PR01", "PR02", "RT01", "EX01"}

def _public_callables() -> list[str]:
    return [name for name in ca.__all__ if callable(getattr(ca, name))]


def problems_of(obj: object) -> list[str]:
    """The numpydoc problems of ``obj`` among :data:`REQUIRED`, as ``"CODE: message"``."""
    result = numpydoc_validate.validate(f"{obj.__module__}.{obj.__qualname__}")
    codes = REQUIRED - {"RT01"} if inspect.isclass(obj) else REQUIRED
    return [f"{code}: {message}" for code, message in result["errors"] if code in codes]


def docstring_problems(name: str) -> list[str]:
    """The numpydoc problems of public name ``name``."""
    return problems_of(getattr(ca, name))


def _half_documented(data, *, value="value"):
    """Something, with ``value`` undocumented and no Returns or Examples.

    Parameters
    ----------
    data : pandas.DataFrame
        The data.
    """
    return data


def _documented(data, *, value="value"):
    """Something.

    Parameters
    ----------
    data : pandas.DataFrame
        The data.
    value : str, default "value"
        The value column.

    Returns
    -------
    pandas.DataFrame
        ``value``: the values.

    Examples
    --------
    >>> _documented(None)
    """
    return data


def test_the_check_can_fail():
    """The check flags what is missing, and passes a complete docstring."""
    assert [p[:4] for p in problems_of(_half_documented)] == ["PR01", "RT01", "EX01"]
    assert problems_of(_documented) == []


@pytest.mark.parametrize("name", sorted(_public_callables()))
def test_public_callable_has_numpydoc_docstring(name):
    problems = docstring_problems(name)
    assert not problems, (
        f"cosie_analysis.{name} needs a numpydoc docstring with Parameters (every parameter), "
        f"Returns and Examples sections:\n  " + "\n  ".join(problems)
    )


def test_help_shows_parameters_and_returns_for_documented_functions():
    """The point of it all, checked once by hand: the text ``help()`` prints."""
    doc = inspect.getdoc(ca.assign_phase)
    assert "Parameters\n----------" in doc
    assert "Returns\n-------" in doc
    assert "Examples\n--------" in doc


# ------------------------------------------------------------------------------ TYPE_CHECKING block
def _type_checking_imports() -> dict[str, str]:
    """Name -> module (relative to the package) imported under ``if TYPE_CHECKING:`` in __init__."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    blocks = [
        node for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
    ]  # fmt: skip
    assert len(blocks) == 1, f"{INIT} should have exactly one top-level `if TYPE_CHECKING:` block"
    found: dict[str, str] = {}
    for stmt in blocks[0].body:
        assert isinstance(stmt, ast.ImportFrom), f"{INIT}: only `from ... import ...` under TYPE_CHECKING"
        assert stmt.module and stmt.module.startswith("cosie_analysis."), f"{INIT}: import {stmt.module!r}"
        for alias in stmt.names:
            assert alias.asname in (None, alias.name), f"{INIT}: import {alias.name!r} as itself, not renamed"
            assert alias.name not in found, f"{INIT}: {alias.name!r} imported twice under TYPE_CHECKING"
            found[alias.name] = stmt.module.removeprefix("cosie_analysis.")
    return found


def test_type_checking_block_mirrors_the_lazy_table():
    imported = _type_checking_imports()
    missing = sorted(set(ca._LAZY) - set(imported))
    extra = sorted(set(imported) - set(ca._LAZY))
    moved = sorted(n for n in set(imported) & set(ca._LAZY) if imported[n] != ca._LAZY[n])
    assert not missing, f"add these lazy names to the TYPE_CHECKING block of {INIT}: {missing}"
    assert not extra, f"these names are under TYPE_CHECKING in {INIT} but not in _LAZY: {extra}"
    assert not moved, f"import these from the module _LAZY names for them: {moved}"


def test_type_checking_block_is_not_executed_at_import():
    """Importing the package stays cheap: the block is for type checkers only."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert all(
        (n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) in {"__future__", "importlib", "typing"}
        for n in imports
    ), "__init__ imports only __future__, importlib and typing at module level"


@pytest.mark.parametrize("name", sorted(ca._LAZY))
def test_lazy_name_is_defined_in_its_module(name):
    module = importlib.import_module(f"cosie_analysis.{ca._LAZY[name]}")
    assert getattr(ca, name) is getattr(module, name)
    assert name in ca.__all__
