"""A seeded SYNTHETIC example project: invented stories for both pilots, coded by two coders.

Nothing in it is real. The stories are template sentences, their dates are drawn at random within
the corona phases, and the chance that a story touches a code in a phase is planted
(:data:`PLANTED_CODES`), so the analyses can be checked against what was put in. Every story
carries the variable ``synthetic = true`` and starts with "[SYNTHETISCH VOORBEELD]"; every table and
figure built from it is labelled synthetic.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis._io import atomic_write_bytes
from cosie_analysis.errors import ParameterError
from cosie_analysis.qda.qdpx import qde_xml

__all__ = ["CODERS", "CODE_TREE", "PLANTED_CODES", "example_qdpx", "write_example_qdpx"]

#: The example's code tree: category -> codes (a category without codes is itself a code).
CODE_TREE = {
    "contact": ["digitaal contact", "fysiek contact"],
    "vertrouwen": [],
    "co-creatie": ["co-creatie gepauzeerd", "eigen ideeën"],
    "beeldvorming": ["verhalen veranderen beeld"],
}
#: Planted chance (before, during, after corona) that a synthetic story touches each code, both pilots.
PLANTED_CODES = {
    "digitaal contact": (0.15, 0.70, 0.35),
    "fysiek contact": (0.65, 0.25, 0.60),
    "vertrouwen": (0.50, 0.35, 0.50),
    "co-creatie gepauzeerd": (0.05, 0.60, 0.15),
    "eigen ideeën": (0.45, 0.20, 0.45),
    "verhalen veranderen beeld": (0.30, 0.30, 0.30),
}
#: The two (pseudonymous) coders, the chance each codes a passage's code, and codes a stray passage.
CODERS = ("codeur A", "codeur B")
P_CODED, P_STRAY = 0.9, 0.1
_SENTENCES = {
    "digitaal contact": "We hadden alleen nog contact via de telefoon of met beeldbellen.",
    "fysiek contact": "Het hielp dat er iemand langskwam en gewoon aan tafel ging zitten.",
    "vertrouwen": "Pas toen ik de ander vertrouwde, durfde ik mijn verhaal te vertellen.",
    "co-creatie gepauzeerd": "De bijeenkomsten waar we samen plannen maakten, gingen niet door.",
    "eigen ideeën": "Ons eigen idee werd opgepakt en uitgeprobeerd.",
    "verhalen veranderen beeld": "Na het gesprek keek de ambtenaar anders naar onze situatie.",
}
_FILLER = "Dit verhaal is verzonnen voor het voorbeeld."
_SOURCE_TYPE = {"houten": "verhaal (community reporting)", "nieuwegein": "keukentafelgesprek"}
_SPAN = ("2018-09-01", "2023-06-30")  # first and last day of the synthetic stories


def _guid(rng: np.random.Generator) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def _project(seed: int, per_phase: int) -> tuple[bytes, dict[str, str]]:
    from cosie_analysis.phases import get_scheme

    rng = np.random.default_rng(seed)
    users = [{"guid": _guid(rng), "name": c} for c in CODERS]
    code_guid, codes = {}, []
    for cat, children in CODE_TREE.items():
        code_guid[cat] = _guid(rng)
        kids = []
        for child in children:
            code_guid[child] = _guid(rng)
            kids.append({"guid": code_guid[child], "name": child})
        codes.append({"guid": code_guid[cat], "name": cat, "children": kids})
    variables = [{"guid": _guid(rng), "name": n} for n in ("pilot", "date", "source_type", "channel", "synthetic")]
    var = {v["name"]: v["guid"] for v in variables}
    s = get_scheme("measures")
    bounds = [pd.Timestamp(_SPAN[0]), s.during_start, s.during_end, pd.Timestamp(_SPAN[1]) + pd.Timedelta(days=1)]
    sources, files, n = [], {}, 0
    for pilot in ("houten", "nieuwegein"):
        for k, phase in enumerate(("before", "during", "after")):
            days = (bounds[k + 1] - bounds[k]).days
            for _ in range(per_phase):
                n += 1
                date = bounds[k] + pd.Timedelta(days=int(rng.integers(days)))
                present = [c for c, p in PLANTED_CODES.items() if rng.random() < p[k]]
                passages = [(c, _SENTENCES[c]) for c in present] + [(None, _FILLER)]
                text, selections = "[SYNTHETISCH VOORBEELD] ", []
                for code, sentence in passages:
                    start = len(text)
                    text += sentence + " "
                    codings = []
                    for user in users:
                        if code is not None and rng.random() < P_CODED:
                            codings.append((_guid(rng), user["guid"], code_guid[code]))
                        elif rng.random() < P_STRAY:
                            stray = list(PLANTED_CODES)[int(rng.integers(len(PLANTED_CODES)))]
                            codings.append((_guid(rng), user["guid"], code_guid[stray]))
                    if codings:
                        selections.append({"guid": _guid(rng), "start": start, "end": start + len(sentence),
                                           "codings": codings})
                guid = _guid(rng)
                channel = "telefoon of video" if phase == "during" and rng.random() < 0.7 else "face-to-face"
                values = {var["pilot"]: pilot, var["date"]: date.strftime("%Y-%m-%d"),
                          var["source_type"]: _SOURCE_TYPE[pilot], var["channel"]: channel, var["synthetic"]: "true"}
                files[f"{guid}.txt"] = text.rstrip()
                sources.append({"guid": guid, "name": f"verhaal {n:03d} (synthetisch)", "text": text.rstrip(),
                                "path": f"{guid}.txt", "values": values, "selections": selections})
    xml = qde_xml(name="CoSIE coded narratives - SYNTHETIC example", users=users, codes=codes, variables=variables,
                  sources=sources)
    return xml, files


def write_example_qdpx(path: str | Path, *, seed: int = 0, per_phase: int = 40) -> Path:
    """Write the SYNTHETIC example project as a ``.qdpx`` file (byte-identical for the same seed).

    Parameters
    ----------
    path : path-like
        The file to write.
    seed : int, default 0
        For ``numpy.random.default_rng``.
    per_phase : int, default 40
        Stories per pilot and phase.

    Returns
    -------
    pathlib.Path
        ``path``. The archive holds ``project.qde`` (valid against the REFI-QDA schema) and one
        ``Sources/<guid>.txt`` per story.

    Examples
    --------
    >>> import tempfile, zipfile
    >>> p = write_example_qdpx(Path(tempfile.mkdtemp()) / "example.qdpx", per_phase=2)  # SYNTHETIC
    >>> sorted(zipfile.ZipFile(p).namelist())[-1]
    'project.qde'
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ParameterError(f"`seed` must be an integer; got {seed!r}.")
    if isinstance(per_phase, bool) or not isinstance(per_phase, (int, np.integer)) or per_phase < 1:
        raise ParameterError(f"`per_phase` must be a whole number of at least 1; got {per_phase!r}.")
    xml, files = _project(int(seed), int(per_phase))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        members = [(f"Sources/{k}", v.encode("utf-8")) for k, v in sorted(files.items())] + [("project.qde", xml)]
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))  # fixed, for identical bytes
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
    atomic_write_bytes(path, buffer.getvalue())
    return Path(path)


def example_qdpx(*, seed: int = 0) -> Path:
    """The SYNTHETIC example project, written to ``data/processed/examples/`` (git-ignored) and returned.

    Parameters
    ----------
    seed : int, default 0
        For ``numpy.random.default_rng``; each seed gives its own file, byte-identical on every call.

    Returns
    -------
    pathlib.Path
        ``data/processed/examples/synthetic_codings_seed<seed>.qdpx``, written by
        :func:`write_example_qdpx` with its default ``per_phase`` (40 stories per pilot and phase).

    Examples
    --------
    >>> example_qdpx().name  # SYNTHETIC example project, written under data/processed/  # doctest: +SKIP
    'synthetic_codings_seed0.qdpx'
    """
    from cosie_analysis.paths import processed_dir

    return write_example_qdpx(processed_dir() / "examples" / f"synthetic_codings_seed{seed}.qdpx", seed=seed)
