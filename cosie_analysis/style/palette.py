"""Palettes: the colours, line styles, markers and phase shading of every figure.

Two palettes ship, and a user mapping can adjust either:

* ``"okabe-ito"`` (default): the pilot towns, the comparison group and the Netherlands in Okabe-Ito
  colours; up to eight further regions in Paul Tol's colour-blind-safe "muted" colours, each with its
  own line style and marker; the phases in pale tints.
* ``"grey"``: for journals that print in greyscale. Every series differs by grey level, line style
  *and* marker; the "during" and "after" phase bands are hatched, so they survive printing.
* A mapping ``{region code or role: colour or style dict}``, e.g. ``{"GM0344": "#882255"}``, laid
  over the active palette (keys may also be ``"phase:during"`` etc. for the shading).

The active palette is set by ``with report_style(palette=...)``; every plot function also takes
``palette=``. Nothing here imports matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from cosie_analysis.errors import ParameterError

__all__ = ["PALETTES", "Palette", "active_palette", "get_palette", "phase_style", "region_styles", "use_palette"]

#: Region codes with a fixed role; every other code is a further region (a cycle style, or grey).
ROLE_BY_CODE = {
    "GM0321": "houten",
    "GM0356": "nieuwegein",
    "NL00": "nederland",
    "NL01": "nederland",
    "NL": "nederland",
    "comparison": "comparison",
}
ROLES = ("houten", "nieuwegein", "comparison", "nederland", "highlight", "other")
PHASE_KEYS = ("before", "during", "during_alt", "after")

_MARKERS = ("v", "P", "X", "<", ">", "h", "*", "p")
_DASHES = (
    (0, (5, 1.5)),
    (0, (1, 1.2)),
    (0, (6, 1.5, 1, 1.5)),
    (0, (3, 1.5, 1, 1.5, 1, 1.5)),
    "-",
    (0, (8, 2)),
    (0, (2, 2)),
    (0, (4, 1, 1, 1, 1, 1)),
)


@dataclass(frozen=True)
class Palette:
    """A complete set of figure styles.

    Attributes
    ----------
    name : str
    roles : mapping
        Role (``"houten"``, ``"nieuwegein"``, ``"comparison"``, ``"nederland"``, ``"highlight"``,
        ``"other"``) -> ``{"color", "linestyle", "marker"}``.
    cycle : tuple of mapping
        Styles for further regions, in order; with more further regions than styles all of them are
        drawn in the ``"other"`` style (a grey background).
    phases : mapping
        Phase (``"before"``, ``"during"``, ``"during_alt"``, ``"after"``) -> ``{"facecolor",
        "hatch", "edgecolor"}``.
    codes : mapping
        Region code -> style, for a user's fixed choices; wins over roles and the cycle.
    """

    name: str
    roles: Mapping[str, Mapping]
    cycle: tuple[Mapping, ...]
    phases: Mapping[str, Mapping]
    codes: Mapping[str, Mapping] = field(default_factory=dict)


def _cycle(colors) -> tuple[dict, ...]:
    return tuple({"color": c, "linestyle": d, "marker": m} for c, d, m in zip(colors, _DASHES, _MARKERS, strict=True))


def _phases(before, during, during_alt, after, hatches=("", "", "", ""), edge="none") -> dict:
    return {
        k: {"facecolor": c, "hatch": h, "edgecolor": edge if h else "none"}
        for k, c, h in zip(PHASE_KEYS, (before, during, during_alt, after), hatches, strict=True)
    }


PALETTES: dict[str, Palette] = {
    "okabe-ito": Palette(
        "okabe-ito",
        roles={
            "houten": {"color": "#0072B2", "linestyle": "-", "marker": "o"},
            "nieuwegein": {"color": "#D55E00", "linestyle": "--", "marker": "s"},
            "comparison": {"color": "#009E73", "linestyle": "-.", "marker": "^"},
            "nederland": {"color": "#000000", "linestyle": "-", "marker": "D"},
            "highlight": {"color": "#CC79A7", "linestyle": "-", "marker": "o"},
            "other": {"color": "#BBBBBB", "linestyle": "-", "marker": "."},
        },
        # Paul Tol's "muted" scheme without its pale sand: rose, indigo, green, cyan, wine, teal, olive, purple
        cycle=_cycle(("#CC6677", "#332288", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")),
        # Paul Tol's pale/light tints: grey levels 242 before, 212/194 during, 228 after
        phases=_phases("#F5F7FB", "#F2CCA8", "#F6DCC3", "#E8F1E1"),
    ),
    "grey": Palette(
        "grey",
        roles={
            "houten": {"color": "#000000", "linestyle": "-", "marker": "o"},
            "nieuwegein": {"color": "#000000", "linestyle": "--", "marker": "s"},
            "comparison": {"color": "#555555", "linestyle": "-.", "marker": "^"},
            "nederland": {"color": "#555555", "linestyle": ":", "marker": "D"},
            "highlight": {"color": "#000000", "linestyle": "-", "marker": "*"},
            "other": {"color": "#C8C8C8", "linestyle": "-", "marker": "."},
        },
        cycle=_cycle(("#202020", "#404040", "#606060", "#303030", "#505050", "#707070", "#252525", "#454545")),
        phases=_phases(
            "#FFFFFF", "#E4E4E4", "#D4D4D4", "#F7F7F7", hatches=("", "////", "\\\\\\\\", "."), edge="#A0A0A0"
        ),
    ),
}
_ALIASES = {
    "default": "okabe-ito",
    "colour": "okabe-ito",
    "color": "okabe-ito",
    "gray": "grey",
    "greyscale": "grey",
    "grayscale": "grey",
}
_ACTIVE: list[Palette] = [PALETTES["okabe-ito"]]


def _style(value, base: Mapping) -> dict:
    if isinstance(value, str):
        return {**base, "color": value}
    if isinstance(value, Mapping):
        return {**base, **value}
    raise ParameterError(f"A palette entry must be a colour string or a style dict; got {type(value).__name__}.")


def _overlay(base: Palette, mapping: Mapping) -> Palette:
    roles, phases, codes = dict(base.roles), dict(base.phases), dict(base.codes)
    for key, value in mapping.items():
        key = str(key)
        if key.startswith("phase:"):
            phase = key.removeprefix("phase:")
            if phase not in PHASE_KEYS:
                raise ParameterError(f"Palette key {key!r}: the phase must be one of {list(PHASE_KEYS)!r}.")
            phases[phase] = {**base.phases[phase], **({"facecolor": value} if isinstance(value, str) else value)}
        elif key in ROLES:
            roles[key] = _style(value, base.roles[key])
        else:
            codes[key] = _style(value, base.roles.get(ROLE_BY_CODE.get(key, "other"), base.roles["other"]))
    return replace(base, name=f"{base.name}+user", roles=roles, phases=phases, codes=codes)


def get_palette(palette: str | Palette | Mapping | None = None) -> Palette:
    """The :class:`Palette` for a name (``"okabe-ito"``, ``"grey"``), a Palette, a user mapping laid
    over the active palette, or None (the active one).

    Examples
    --------
    >>> get_palette("grey").roles["houten"]["linestyle"]
    '-'
    >>> get_palette({"GM0344": "#882255"}).codes["GM0344"]["color"]
    '#882255'
    """
    if palette is None:
        return _ACTIVE[-1]
    if isinstance(palette, Palette):
        return palette
    if isinstance(palette, str):
        name = _ALIASES.get(palette.lower(), palette.lower())
        if name not in PALETTES:
            raise ParameterError(
                f"`palette` must be one of {sorted(PALETTES)!r}, a mapping of region codes or roles "
                f"to colours, or None; got {palette!r}."
            )
        return PALETTES[name]
    if isinstance(palette, Mapping):
        return _overlay(_ACTIVE[-1], palette)
    raise ParameterError(f"`palette` must be a name, a Palette or a mapping; got {type(palette).__name__}.")


def active_palette() -> Palette:
    """The palette in use (``"okabe-ito"`` unless a ``report_style(palette=...)`` block says otherwise)."""
    return _ACTIVE[-1]


@contextmanager
def use_palette(palette: str | Palette | Mapping | None):
    """Make ``palette`` the active one inside a ``with`` block (None: leave it as it is)."""
    if palette is None:
        yield _ACTIVE[-1]
        return
    _ACTIVE.append(get_palette(palette))
    try:
        yield _ACTIVE[-1]
    finally:
        _ACTIVE.pop()


def region_styles(
    codes: Iterable, palette: str | Palette | Mapping | None = None, *, max_distinct: int | None = None
) -> dict[str, dict]:
    """A style per region code: roles first, user choices, then up to ``len(cycle)`` (8) further
    regions in distinct colours, line styles and markers; with more, further regions are grey.

    Examples
    --------
    >>> styles = region_styles(["GM0321", "GM0344", "GM0355"])
    >>> styles["GM0321"]["color"], styles["GM0344"]["marker"], styles["GM0355"]["marker"]
    ('#0072B2', 'v', 'P')
    """
    pal = get_palette(palette)
    codes = [str(c) for c in codes]
    further = [c for c in dict.fromkeys(codes) if c not in pal.codes and c not in ROLE_BY_CODE and c not in ROLES]
    limit = len(pal.cycle) if max_distinct is None else min(max_distinct, len(pal.cycle))
    out = {}
    for code in dict.fromkeys(codes):
        if code in pal.codes:
            out[code] = dict(pal.codes[code])
        elif code in ROLES:
            out[code] = dict(pal.roles[code])
        elif code in ROLE_BY_CODE:
            out[code] = dict(pal.roles[ROLE_BY_CODE[code]])
        elif len(further) <= limit:
            out[code] = dict(pal.cycle[further.index(code)])
        else:
            out[code] = dict(pal.roles["other"])
    return out


def phase_style(phase: str, palette: str | Palette | Mapping | None = None) -> dict:
    """``{"facecolor", "hatch", "edgecolor"}`` of a phase band (``"before"``, ``"during"``,
    ``"during_alt"``, ``"after"``) in the palette."""
    pal = get_palette(palette)
    if phase not in pal.phases:
        raise ParameterError(f"`phase` must be one of {list(PHASE_KEYS)!r}; got {phase!r}.")
    return dict(pal.phases[phase])
