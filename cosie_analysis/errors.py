"""The package's exceptions: one base class and a few subclasses, each also a ValueError where it fits.

Every error that cosie_analysis raises on purpose is a :class:`CosieError`, so one ``except
CosieError`` catches them all, while ``except ValueError`` keeps working for the subclasses that are
also value errors. A message says what was expected, what was found, where (file, row, column or
parameter) and how to fix it. Messages about the pilots' own registers name the *kind* of
identifier involved, never its value.

Examples
--------
>>> from cosie_analysis.errors import CosieError, ParameterError
>>> try:
...     raise ParameterError("`lang` must be one of ['nl', 'en']; got 'de'.")
... except CosieError as err:
...     print(type(err).__name__, "-", err)
ParameterError - `lang` must be one of ['nl', 'en']; got 'de'.
"""

from __future__ import annotations

from collections.abc import Iterable
from os import PathLike

__all__ = [
    "CosieError",
    "DisclosureError",
    "FetchError",
    "InputFileError",
    "ParameterError",
    "RegistryError",
    "SchemaError",
    "check_choice",
]


class CosieError(Exception):
    """Base class of every error raised on purpose by cosie_analysis.

    See Also
    --------
    ParameterError, InputFileError, SchemaError, RegistryError, FetchError, DisclosureError

    Examples
    --------
    >>> import cosie_analysis as ca
    >>> issubclass(ca.ParameterError, ca.CosieError)
    True
    """


class InputFileError(CosieError, ValueError):
    """A source file does not have the layout or content its reader expects.

    The message names the file, the row and the column where that is known, and says how to fix it.
    A reader collects every problem it finds in one file and raises once, listing them all.

    Parameters
    ----------
    path : str or os.PathLike
        The file that was read; kept as :attr:`path` (a string).
    problems : str or list of str
        One problem, or every problem found in the file; kept as :attr:`problems` (a list).
    hint : str, optional
        How to fix it; the last line of the message.

    Examples
    --------
    >>> from cosie_analysis.errors import InputFileError
    >>> err = InputFileError("47018NED/data.csv", ["column `Perioden` not found"],
    ...                      hint="Is this a CBS TypedDataSet export?")
    >>> print(err)
    47018NED/data.csv: column `Perioden` not found
    Is this a CBS TypedDataSet export?
    >>> err.problems
    ['column `Perioden` not found']
    """

    def __init__(self, path: str | PathLike[str], problems: list[str] | str, hint: str | None = None):
        self.path = str(path)
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.hint = hint
        lines = [f"{self.path}: {p}" for p in self.problems]
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


class SchemaError(CosieError, ValueError):
    """A table does not follow the observation schema (columns, status and frequency values, keys).

    Raised by :func:`cosie_analysis.validate_observations` with every problem of the table listed.

    Examples
    --------
    >>> from cosie_analysis.errors import SchemaError
    >>> isinstance(SchemaError("bad table"), ValueError)
    True
    """


class RegistryError(CosieError, ValueError):
    """The source registry is inconsistent with the files on disk or in the mirror.

    Examples
    --------
    >>> from cosie_analysis.errors import RegistryError
    >>> isinstance(RegistryError("hash mismatch"), ValueError)
    True
    """


class FetchError(CosieError):
    """A source table could not be fetched, live or from the mirror.

    Examples
    --------
    >>> from cosie_analysis.errors import CosieError, FetchError
    >>> isinstance(FetchError("no network"), CosieError)
    True
    """


class ParameterError(CosieError, ValueError):
    """A function argument has a value outside what the function accepts.

    Unknown languages, region codes, indicators, phase schemes and column names raise this.

    Examples
    --------
    >>> from cosie_analysis.words import check_lang
    >>> check_lang("de")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.ParameterError: `lang` must be one of ['nl', 'en']; got 'de'. Use 'nl' for Dutch ...
    """


class DisclosureError(CosieError, ValueError):
    """An export would disclose small counts of people: protect the table first.

    Raised by :func:`cosie_analysis.check_exportable` and the export functions when a table of
    person-level counts has not been through :func:`cosie_analysis.protect`.

    Examples
    --------
    >>> from cosie_analysis.errors import DisclosureError
    >>> isinstance(DisclosureError("protect first"), ValueError)
    True
    """


def check_choice(name: str, value: object, allowed: Iterable[object]) -> None:
    """Raise ParameterError naming the parameter, the allowed values and what was passed.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller wrote it.
    value : object
        What was passed.
    allowed : iterable
        The accepted values.

    Returns
    -------
    None
        Returns only when ``value`` is one of ``allowed``.

    Raises
    ------
    ParameterError
        When it is not.

    Examples
    --------
    >>> check_choice("adjust", "holm", ["holm", "fdr_bh"])
    >>> check_choice("adjust", "bonf", ["holm", "fdr_bh"])
    Traceback (most recent call last):
    ...
    cosie_analysis.errors.ParameterError: `adjust` must be one of ['holm', 'fdr_bh']; got 'bonf'.
    """
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(f"`{name}` must be one of {allowed!r}; got {value!r}.")
