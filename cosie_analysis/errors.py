"""The package's exceptions: one base class and a few subclasses, each also a ValueError where it fits."""

from __future__ import annotations

__all__ = ["CosieError", "InputFileError", "RegistryError", "FetchError", "ParameterError"]


class CosieError(Exception):
    """Base class of every error raised on purpose by cosie_analysis."""


class InputFileError(CosieError, ValueError):
    """A source file does not have the layout or content its reader expects.

    The message names the file, the row and the column where that is known, and says how to fix it.
    A reader collects every problem it finds in one file and raises once, listing them all.
    """

    def __init__(self, path, problems: list[str] | str, hint: str | None = None):
        self.path = str(path)
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.hint = hint
        lines = [f"{self.path}: {p}" for p in self.problems]
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


class RegistryError(CosieError, ValueError):
    """The source registry is inconsistent with the files on disk or in the mirror."""


class FetchError(CosieError):
    """A source table could not be fetched, live or from the mirror."""


class ParameterError(CosieError, ValueError):
    """A function argument has a value outside what the function accepts."""


def check_choice(name: str, value, allowed) -> None:
    """Raise ParameterError naming the parameter, the allowed values and what was passed."""
    allowed = list(allowed)
    if value not in allowed:
        raise ParameterError(f"`{name}` must be one of {allowed!r}; got {value!r}.")
