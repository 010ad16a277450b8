"""The tidy observation table: its schema, its validation, and building ``data/processed``.

``cosie-analysis build`` reads every table in ``data/raw`` (as listed in the registry), turns each into
long rows of the schema below, adds rates per 1,000 inhabitants, and writes
``data/processed/observations.parquet`` with a CSV twin (plus the PC4-wijk crosswalk). The same raw
input gives byte-identical files. Files are written to temporary names and then replaced, so a failed
build leaves the previous output intact.
"""

from __future__ import annotations

import json
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis._io import atomic_write
from cosie_analysis.errors import InputFileError
from cosie_analysis.paths import REGISTRY_PATH, processed_dir, raw_dir
from cosie_analysis.data.periods import parse_periods
from cosie_analysis.data.registry import load_registry, sha256_file
from cosie_analysis.data.schema import OBSERVATION_COLUMNS, STATUSES, normalise as _normalise, validate_observations  # noqa: F401
from cosie_analysis.data.sources import cbs, leefbaarometer as lbm
from cosie_analysis.data.sources.cbs import (
    STATUS_DEFINITIVE,
    STATUS_NOT_AVAILABLE,
    STATUS_PROVISIONAL,
    STATUS_SUPPRESSED,
)

__all__ = [
    "OBSERVATION_COLUMNS",
    "STATUSES",
    "build_observations",
    "is_current",
    "load_observations",
    "observations_path",
    "pc4_wijk_shares",
    "validate_observations",
]


_REGION_LEVEL = {"NL": "land", "GM": "gemeente", "WK": "wijk", "BU": "buurt"}

#: The 12 offence types of 47018NED reported per municipality ("main offence types").
MUNICIPAL_OFFENCES = ["1.1.1", "1.1.2", "1.2.1", "1.2.2", "1.2.3", "1.4.2", "1.4.4", "1.4.5",
                      "2.2.1", "2.5.1", "3.1.1", "3.1.3"]

#: Participatiewet measures read from 83450NED / 83747NED / 84066NED -> (indicator, nl, en, unit)
BIJSTAND_MEASURES = {
    "Inwoners_1": ("inhabitants", "Inwoners", "Inhabitants", "persons"),
    "Bijstandsontvangers_2": ("bijstand_recipients", "Bijstandsontvangers", "People on social assistance (bijstand)", "persons"),
    "Bijstandsdichtheid_3": ("bijstand_density", "Bijstandsdichtheid (per 1.000 inwoners)", "Social assistance density (per 1,000 inhabitants)", "per 1000 inhabitants"),
    "Instroom_4": ("bijstand_inflow", "Instroom in de bijstand", "Inflow into social assistance", "persons"),
    "Uitstroom_6": ("bijstand_outflow", "Uitstroom uit de bijstand", "Outflow from social assistance", "persons"),
    "UitstroomNaarWerk_8": ("bijstand_outflow_to_work", "Uitstroom uit de bijstand naar werk", "Outflow from social assistance to work", "persons"),
}
BIJSTAND_ALIASES = {"Instromers": "Instroom", "Uitstromers": "Uitstroom", "UitstromersNaarWerk": "UitstroomNaarWerk"}
#: Leeftijd codes of the Participatiewet tables -> indicator suffix, Dutch and English age label.
BIJSTAND_AGES = {
    "20150": ("", "15 jaar of ouder", "aged 15 and over"),
    "90100": ("_15_to_aow", "15 jaar tot AOW-leeftijd", "aged 15 to state-pension age"),
    "90200": ("_aow_plus", "AOW-leeftijd en ouder", "state-pension age and over"),
}

#: Wijk- en buurtkaart 2024 columns -> (indicator, nl, en, unit)
KWB_MEASURES = {
    "aantal_inwoners": ("kwb_inhabitants", "Inwoners", "Inhabitants", "persons"),
    "aantal_huishoudens": ("kwb_households", "Huishoudens", "Households", "households"),
    "aantal_personen_met_een_alg_bijstandsuitkering_tot": ("kwb_bijstand_persons", "Personen met een algemene bijstandsuitkering", "People on general social assistance (bijstand)", "persons"),
    "aantal_personen_met_een_ww_uitkering_totaal": ("kwb_ww_persons", "Personen met een WW-uitkering", "People on unemployment benefit (WW)", "persons"),
    "aantal_personen_met_een_ao_uitkering_totaal": ("kwb_ao_persons", "Personen met een AO-uitkering", "People on disability benefit (AO)", "persons"),
    "aantal_personen_met_een_aow_uitkering_totaal": ("kwb_aow_persons", "Personen met een AOW-uitkering", "People on state pension (AOW)", "persons"),
}
KWB_RATES = ["kwb_bijstand_persons", "kwb_ww_persons", "kwb_ao_persons"]

#: 37789ksz measures (national, monthly, x 1,000) -> (indicator, nl, en)
BENEFIT_MEASURES = {
    "TotaalBijstandsuitkeringen_11": ("nl_bijstand_benefits", "Bijstandsuitkeringen, totaal", "Social assistance benefits, total"),
    "BijstandsuitkeringenTotDeAOWLeeftijd_12": ("nl_bijstand_benefits_below_aow", "Bijstandsuitkeringen tot de AOW-leeftijd", "Social assistance benefits below state-pension age"),
    "BijstandsuitkeringenVanafAOWLeeftijd_13": ("nl_bijstand_benefits_aow_plus", "Bijstandsuitkeringen vanaf de AOW-leeftijd", "Social assistance benefits from state-pension age"),
    "TotaalArbeidsongeschiktheidsuitkeringen_1": ("nl_disability_benefits", "Arbeidsongeschiktheidsuitkeringen, totaal", "Disability benefits, total"),
    "IOAWUitkeringen_14": ("nl_ioaw_benefits", "IOAW-uitkeringen", "IOAW benefits (older unemployed)"),
    "AOWUitkeringen_16": ("nl_aow_benefits", "AOW-uitkeringen", "State pension (AOW) benefits"),
}


def observations_path() -> Path:
    """Where the observation table is stored.

    Returns
    -------
    pathlib.Path
        ``observations.parquet`` in :func:`cosie_analysis.paths.processed_dir` (``data/processed``,
        or ``$COSIE_DATA_DIR/processed``).

    Examples
    --------
    >>> from cosie_analysis.observations import observations_path
    >>> observations_path().name
    'observations.parquet'
    """
    return processed_dir() / "observations.parquet"


def _key_id(prefix: str, key: str) -> str:
    return prefix + "_" + "".join(ch if ch.isalnum() else "_" for ch in key.lower())


def _labels_en() -> dict[tuple[str, str], str]:
    text = resources.files("cosie_analysis").joinpath("resources/category_labels_en.csv").read_text("utf-8")
    from io import StringIO

    table = pd.read_csv(StringIO(text), dtype=str)
    return {(d, k): v for d, k, v in table.itertuples(index=False)}


def _frame(**columns) -> pd.DataFrame:
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------- per-table converters


def _police_table(folder: Path, table_id: str, entry: dict, category: str, prefix: str, unit: str) -> pd.DataFrame:
    measure = entry["measures"][0]
    table = cbs.read_odata_folder(
        folder, table_id=table_id, dimensions=entry["dimensions"], measures=entry["measures"],
        dimension_files=entry.get("dimension_files", []),
    )
    data = table.data
    titles = table.dimensions[category].set_index("Key")["Title"]
    labels_en = _labels_en()
    keys = data[category]
    title = keys.map(titles)
    if title.isna().any():
        i = int(np.flatnonzero(title.isna().to_numpy())[0])
        raise InputFileError(
            folder / "data.csv",
            f"row {i + 1} (line {data['_line'].iat[i]}), column `{category}`: key {keys.iat[i]!r} is not in {category}.csv.",
            f"Fetch {table_id} again: the data and its dimension file must come from the same download.",
        )
    # CBS titles repeat the key ("1.1.1 Diefstal/inbraak woning"); the label is the text after it.
    label = title.str.replace(r"^\d+(\.\d+)+\s+", "", regex=True)
    status = pd.Series(STATUS_DEFINITIVE, index=data.index, dtype=object)
    period_status = cbs.period_status(table)
    if len(period_status):
        status = data["Perioden"].map(period_status).fillna(STATUS_DEFINITIVE).astype(object)
    status[data[measure].isna()] = STATUS_NOT_AVAILABLE
    noun_nl = "Geregistreerde misdrijven" if prefix == "crime" else "Geregistreerde overlast"
    return _frame(
        indicator=keys.map(lambda k: _key_id(prefix, k)),
        label_nl=noun_nl + ": " + label,
        label_en=[
            ("Registered crime: " if prefix == "crime" else "Registered disorder: ") + labels_en.get((category, k), t)
            for k, t in zip(keys, label)
        ],
        unit=unit,
        region_code=data["WijkenEnBuurten"],
        period=data["Perioden"],
        value=data[measure],
        status=status,
        source_table=table_id,
        source_key=keys,
    )


def _region_names(raw: Path, registry: dict) -> dict[str, str]:
    names = {"NL00": "Nederland", "NL01": "Nederland"}
    regions = raw / registry["tables"]["47018NED"]["path"] / "WijkenEnBuurten.csv"
    frame = cbs.read_csv_checked(regions, required=["Key", "Title"], keys=["Key"], what="the WijkenEnBuurten dimension of 47018NED")
    names.update(zip(frame["Key"].str.strip(), frame["Title"].str.strip()))
    return names


def _population(folder: Path, entry: dict) -> pd.DataFrame:
    table = cbs.read_odata_folder(folder, table_id="70072NED", dimensions=entry["dimensions"], measures=entry["measures"])
    data = table.data
    value = data[entry["measures"][0]]
    return _frame(
        indicator="population", label_nl="Bevolking (gemiddeld aantal inwoners, anders op 1 januari)",
        label_en="Population (average number of inhabitants, else on 1 January)", unit="persons",
        region_code=data["RegioS"], period=data["Perioden"], value=value,
        status=np.where(value.isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
        source_table="70072NED", source_key=entry["measures"][0],
    )


def _bijstand(folder: Path, table_id: str, entry: dict) -> pd.DataFrame:
    frame = cbs.read_statline_download(
        folder / "data.csv", dimensions=entry["dimensions"], measures=list(BIJSTAND_MEASURES), aliases=BIJSTAND_ALIASES,
    )
    unknown_age = ~frame["Leeftijd"].isin(list(BIJSTAND_AGES))
    if unknown_age.any():
        i = int(np.flatnonzero(unknown_age.to_numpy())[0])
        raise InputFileError(folder / "data.csv", f"row {i + 1} (line {frame['_line'].iat[i]}), column `Leeftijd`: "
                             f"unknown code {frame['Leeftijd'].iat[i]!r}; expected one of {list(BIJSTAND_AGES)}.")
    region = frame["Regiokenmerken"]
    frame = frame[region.str.startswith("GM") | (region == "NL01")]
    parts = []
    for measure, (ind, nl, en, unit) in BIJSTAND_MEASURES.items():
        for age, (suffix, age_nl, age_en) in BIJSTAND_AGES.items():
            rows = frame[frame["Leeftijd"] == age]
            value = rows[measure]
            parts.append(_frame(
                indicator=ind + suffix, label_nl=f"{nl}, {age_nl}", label_en=f"{en}, {age_en}", unit=unit,
                region_code=rows["Regiokenmerken"], period=f"{entry['year']}JJ00", value=value,
                status=np.where(value.isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
                source_table=table_id, source_key=f"{measure}|Leeftijd={age}",
            ))
    return pd.concat(parts, ignore_index=True)


def _benefits_monthly(folder: Path, entry: dict) -> pd.DataFrame:
    frame = cbs.read_statline_download(folder / "data.csv", dimensions=["Perioden"], measures=list(BENEFIT_MEASURES))
    cbs.check_period_codes(folder / "data.csv", frame)
    frame = frame[frame["Perioden"].str.contains("MM")]
    parts = []
    for measure, (ind, nl, en) in BENEFIT_MEASURES.items():
        value = frame[measure]
        parts.append(_frame(
            indicator=ind, label_nl=nl + " (x 1.000)", label_en=en + " (x 1,000)", unit="x 1000 benefits",
            region_code="NL01", period=frame["Perioden"], value=value,
            status=np.where(value.isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
            source_table="37789ksz", source_key=measure,
        ))
    return pd.concat(parts, ignore_index=True)


def _kwb(folder: Path) -> pd.DataFrame:
    parts = []
    for name, code, label in [("gemeenten.csv", "gemeentecode", "gemeentenaam"), ("wijken.csv", "wijkcode", "wijknaam")]:
        long = cbs.read_kwb_attributes(folder / name, code_column=code, name_column=label, measures=list(KWB_MEASURES))
        meta = long["measure"].map(KWB_MEASURES)
        parts.append(_frame(
            indicator=meta.str[0], label_nl=meta.str[1], label_en=meta.str[2], unit=meta.str[3],
            region_code=long["region_code"], region_name=long["region_name"], period="2024JJ00",
            value=long["value"], status=long["status"], source_table="85984NED (wijk- en buurtkaart 2024)",
            source_key=long["measure"],
        ))
    return pd.concat(parts, ignore_index=True)


def _lbm2(folder: Path) -> pd.DataFrame:
    parts = []
    for level, code in [("gemeente", "GM_CODE"), ("wijk", "WK_CODE")]:
        classes = lbm.read_lbm2_score_classes(folder / f"scoreklasse_{level}_2002_2016.csv", code_column=code)
        parts.append(_frame(
            indicator="lbm2_score_class", label_nl="Leefbaarometer 2.0: scoreklasse (1 = zeer onvoldoende, 9 = uitstekend)",
            label_en="Leefbaarometer 2.0: score class (1 = very poor, 9 = excellent)", unit="score class (1-9)",
            region_code=classes["region_code"], period=classes["year"].astype(str) + "JJ00", value=classes["value"],
            status=np.where(classes["value"].isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
            source_table="Leefbaarometer 2.0 (2016)", source_key="KL" + (classes["year"] % 100).astype(str).str.zfill(2),
        ))
        dims = lbm.read_lbm2_dimension_scores(folder / f"dimensiescore_stand_{level}_2012_2016.csv")
        meta = dims["measure"].map(lbm.LBM2_DIMENSIONS)
        parts.append(_frame(
            indicator="lbm2_" + meta.str[0], label_nl=meta.str[1], label_en=meta.str[2],
            unit="deviation from national mean", region_code=dims["region_code"],
            period=dims["year"].astype(str) + "JJ00", value=dims["value"],
            status=np.where(dims["value"].isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
            source_table="Leefbaarometer 2.0 (2016)", source_key=dims["measure"],
        ))
    return pd.concat(parts, ignore_index=True)


def _lbm3(folder: Path) -> pd.DataFrame:
    scores = lbm.read_lbm3_pc4(folder / "scores_pc4.csv")
    # The dimensions are only published for 2014, 2018, 2020 and 2022: the empty cells of the other
    # years are not observations, so they are left out rather than kept as "not available".
    scores = scores[scores["value"].notna()]
    meta = scores["measure"].map(lbm.LBM3_MEASURES)
    return _frame(
        indicator="lbm3_" + meta.str[0], label_nl=meta.str[1], label_en=meta.str[2],
        unit=np.where(scores["measure"] == "lbm", "score", "deviation from national mean"),
        region_code=scores["pc4"], region_name="Postcode " + scores["pc4"], period=scores["year"].astype(str) + "JJ00",
        value=scores["value"], status=np.where(scores["value"].isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
        source_table="Leefbaarometer 3.0 (2022)", source_key=scores["measure"],
    )


def _worst(a: pd.Series, b: pd.Series) -> np.ndarray:
    rank = {s: i for i, s in enumerate(STATUSES)}
    ra, rb = a.map(rank).to_numpy(), b.map(rank).to_numpy()
    return np.asarray(STATUSES, dtype=object)[np.maximum(ra, rb)]


def _rates(counts: pd.DataFrame, denominators: pd.DataFrame, *, unit: str, label_nl: str, label_en: str) -> pd.DataFrame:
    """Counts per 1,000 of the denominator (same region and period); a missing denominator -> NaN."""
    den = denominators[["region_code", "period", "value", "status"]].rename(columns={"value": "den", "status": "den_status"})
    merged = counts.merge(den, on=["region_code", "period"], how="left", validate="many_to_one")
    merged["den_status"] = merged["den_status"].fillna(STATUS_NOT_AVAILABLE)
    usable = merged["den"] > 0
    out = merged[counts.columns].copy()
    out["indicator"] = merged["indicator"] + "_per_1000"
    out["label_nl"] = merged["label_nl"] + label_nl
    out["label_en"] = merged["label_en"] + label_en
    out["unit"] = unit
    out["value"] = np.where(usable, merged["value"] / merged["den"].where(usable) * 1000.0, np.nan)
    out["status"] = np.where(usable, _worst(merged["status"], merged["den_status"]), STATUS_NOT_AVAILABLE)
    out.loc[usable & merged["value"].isna(), "status"] = merged.loc[usable & merged["value"].isna(), "status"]
    return out


# --------------------------------------------------------------------------- build


def _region_level(codes: pd.Series) -> np.ndarray:
    prefix = codes.str[:2]
    level = prefix.map(_REGION_LEVEL)
    level = level.where(~codes.str.fullmatch(r"\d{4}"), "postcode4")
    return level.fillna("other").to_numpy(dtype=object)


def read_raw_observations(raw: str | Path | None = None, registry: dict | None = None) -> pd.DataFrame:
    """Read every registered table in ``data/raw`` into one observation frame (not yet written).

    Raises
    ------
    InputFileError
        A registered file missing from ``data/raw`` (run ``cosie-analysis fetch``), or any reader's
        complaint about a file's content.
    """
    raw = Path(raw) if raw else raw_dir()
    registry = registry or load_registry()
    tables = registry["tables"]
    for table_id, entry in tables.items():
        for name in entry["files"]:
            path = raw / entry["path"] / name
            if not path.is_file():
                raise InputFileError(path, f"registered file of {table_id} not found in data/raw.",
                                     "Run `cosie-analysis fetch` (or `make report`) to fetch it.")
    folder = {t: raw / e["path"] for t, e in tables.items()}
    parts = [
        _police_table(folder["47018NED"], "47018NED", tables["47018NED"], "SoortMisdrijf", "crime", "offences"),
        _police_table(folder["47022NED"], "47022NED", tables["47022NED"], "SoortMisdrijf", "crime", "offences"),
        _police_table(folder["47024NED"], "47024NED", tables["47024NED"], "Overlast", "disorder", "registrations"),
    ]
    population = _population(folder["70072NED"], tables["70072NED"])
    crime = parts[0]
    parts.append(population)
    parts.append(_rates(crime, population, unit="per 1000 inhabitants", label_nl=", per 1.000 inwoners",
                        label_en=", per 1,000 inhabitants"))
    for table_id in ("83450NED", "83747NED", "84066NED"):
        parts.append(_bijstand(folder[table_id], table_id, tables[table_id]))
    parts.append(_benefits_monthly(folder["37789ksz"], tables["37789ksz"]))
    kwb = _kwb(folder["kwb2024"])
    inhabitants = kwb[kwb["indicator"] == "kwb_inhabitants"]
    parts.append(kwb)
    parts.append(_rates(kwb[kwb["indicator"].isin(KWB_RATES)], inhabitants, unit="per 1000 inhabitants",
                        label_nl=", per 1.000 inwoners", label_en=", per 1,000 inhabitants"))
    parts.append(_lbm2(folder["lbm2"]))
    parts.append(_lbm3(folder["lbm3"]))
    obs = pd.concat(parts, ignore_index=True)

    names = _region_names(raw, registry)
    known = obs["region_name"] if "region_name" in obs else pd.Series(np.nan, index=obs.index)
    obs["region_name"] = known.fillna(obs["region_code"].map(names))
    obs["region_level"] = _region_level(obs["region_code"])
    periods = parse_periods(obs["period"].unique()).set_index("period")
    obs = obs.join(periods, on="period")
    obs = obs[OBSERVATION_COLUMNS]
    # the pilots' own registers (data/raw/pilot/*.csv, *.xlsx), validated on the way in
    from cosie_analysis.pilot.register import register_observations

    pilot = register_observations(raw / "pilot")
    if len(pilot):
        pilot = pilot.assign(region_name=pilot["region_name"].fillna(pilot["region_code"].map(names)))
        obs = pd.concat([_normalise(obs), pilot[OBSERVATION_COLUMNS]], ignore_index=True)
    return _normalise(obs)


def build_observations(raw: str | Path | None = None, processed: str | Path | None = None,
                       registry_path: str | Path | None = None) -> Path:
    """Build ``observations.parquet`` (and its CSV twin and the PC4-wijk crosswalk) from ``data/raw``.

    Parameters
    ----------
    raw, processed, registry_path : path-like, optional
        Override ``data/raw``, ``data/processed`` and ``data/registry.json``.

    Returns
    -------
    pathlib.Path
        The parquet file written.

    Raises
    ------
    InputFileError
        When a raw file is missing or malformed; ``data/processed`` is then left as it was.

    Notes
    -----
    Outputs, all written atomically:

    * ``observations.parquet`` and ``observations.csv``: the columns of ``OBSERVATION_COLUMNS``.
    * ``pc4_wijk_crosswalk.parquet`` / ``.csv``: ``year, wijk_code, pc4, n_addresses, share_of_pc4``.
    * ``observations.sources.json``: the sha256 of every raw input, for provenance.

    The same raw files give byte-identical outputs.

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> path = ca.build_observations()  # doctest: +SKIP
    >>> path.name  # doctest: +SKIP
    'observations.parquet'
    """
    raw = Path(raw) if raw else raw_dir()
    processed = Path(processed) if processed else processed_dir()
    registry = load_registry(registry_path or REGISTRY_PATH)
    obs = validate_observations(read_raw_observations(raw, registry))
    cross_entry = registry["tables"]["pc4_wijk"]
    crosswalk = lbm.read_pc4_wijk_crosswalk(raw / cross_entry["path"] / next(iter(cross_entry["files"])))
    inputs = {str(p.relative_to(raw)): sha256_file(p) for p in sorted((raw / "pilot").glob("*")) if p.is_file()}
    for table_id, entry in sorted(registry["tables"].items()):
        for name, info in sorted(entry["files"].items()):
            digest = sha256_file(raw / entry["path"] / name)
            inputs[f"{entry['path']}/{name}"] = digest
            if digest != info["sha256"]:
                warnings.warn(f"{raw / entry['path'] / name} differs from the registry's sha256; "
                              "the build uses it as it is. Run `cosie-analysis fetch` to restore the registered file.",
                              UserWarning, stacklevel=2)
    target = processed / "observations.parquet"

    def parquet(frame):
        return lambda p: frame.to_parquet(p, index=False, engine="pyarrow", compression="zstd")

    def csv(frame):
        return lambda p: frame.to_csv(p, index=False, date_format="%Y-%m-%d", lineterminator="\n")

    sources = json.dumps({"inputs": inputs, "rows": len(obs)}, indent=2, sort_keys=True) + "\n"
    atomic_write({
        target: parquet(obs),
        processed / "observations.csv": csv(obs),
        processed / "pc4_wijk_crosswalk.parquet": parquet(crosswalk),
        processed / "pc4_wijk_crosswalk.csv": csv(crosswalk),
        processed / "observations.sources.json": lambda p: p.write_text(sources, encoding="utf-8"),
    })
    return target


def _newest_input(raw: Path) -> float:
    """The latest modification time among the raw files (snapshots aside) and the registry."""
    times = [p.stat().st_mtime for p in raw.rglob("*") if p.is_file() and ".snapshots" not in p.parts]
    if REGISTRY_PATH.is_file():
        times.append(REGISTRY_PATH.stat().st_mtime)
    return max(times, default=0.0)


def _stale(target: Path, raw: Path) -> bool:
    return not target.is_file() or _newest_input(raw) > target.stat().st_mtime


#: Every file ``build_observations`` writes to ``data/processed``.
PROCESSED_FILES = ("observations.parquet", "observations.csv", "pc4_wijk_crosswalk.parquet",
                   "pc4_wijk_crosswalk.csv", "observations.sources.json")


def is_current() -> bool:
    """True when every processed output exists and is newer than ``data/raw`` and the registry, and
    the package code that builds it has not changed since (so ``cosie-analysis build`` may skip)."""
    outputs = [processed_dir() / name for name in PROCESSED_FILES]
    if not all(p.is_file() for p in outputs):
        return False
    code = Path(__file__).parent
    newest_code = max(p.stat().st_mtime for p in [*code.rglob("*.py"), *code.glob("resources/*")])
    return max(_newest_input(raw_dir()), newest_code) <= min(p.stat().st_mtime for p in outputs)


def load_observations(*, rebuild: bool = False) -> pd.DataFrame:
    """The observation table, built first when it is missing or older than ``data/raw``.

    Parameters
    ----------
    rebuild : bool, default False
        Build even when the processed table looks current.

    Returns
    -------
    pandas.DataFrame
        One row per indicator x region x period:

        ========== ==========================================================================
        column     meaning
        ========== ==========================================================================
        indicator  stable snake_case id, e.g. ``crime_1_1_1`` (residential burglary),
                   ``crime_1_1_1_per_1000``, ``population``, ``bijstand_density``,
                   ``kwb_bijstand_persons_per_1000``, ``lbm2_score_class``, ``lbm3_score``
        label_nl   Dutch label; ``label_en`` the English one
        unit       ``offences``, ``per 1000 inhabitants``, ``persons``, ...
        region_code CBS code (``GM0321`` Houten, ``GM0356`` Nieuwegein, ``WK035601``,
                   ``NL00``/``NL01`` Nederland) or a 4-digit postcode
        region_name name; ``region_level``: land, gemeente, wijk, buurt or postcode4
        period     the CBS period code; ``period_start``/``period_end`` its first and last day
                   (both included); ``frequency``: year, quarter or month
        value      float; NaN when suppressed or not available
        status     definitive, provisional, suppressed or not available
        source_table the publisher's table; ``source_key`` the publisher's category key or column
        ========== ==========================================================================

    Raises
    ------
    InputFileError
        When the table has to be built and a raw file is missing or malformed.

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> obs = ca.load_observations()  # doctest: +SKIP
    >>> list(obs.columns) == ca.OBSERVATION_COLUMNS  # doctest: +SKIP
    True
    >>> houten = obs[obs["region_code"].eq("GM0321") & obs["indicator"].eq("population")]  # doctest: +SKIP
    """
    target = observations_path()
    if rebuild or _stale(target, raw_dir()):
        build_observations()
    return pd.read_parquet(target)


def pc4_wijk_shares(pc4: str | None = None) -> pd.DataFrame:
    """The PC4-wijk crosswalk: for each year, PC4 area and wijk the addresses and the wijk's share.

    Parameters
    ----------
    pc4 : str, optional
        Only this postcode area, e.g. ``"3431"``.

    Returns
    -------
    pandas.DataFrame
        ``year, wijk_code, pc4, n_addresses, share_of_pc4`` (share of the PC4 area's addresses that
        lie in the wijk; the shares of one PC4-year sum to 1).

    Examples
    --------
    Needs the fetched raw tables (``cosie-analysis fetch``), so not run as a doctest:

    >>> import cosie_analysis as ca
    >>> shares = ca.pc4_wijk_shares("3431")  # doctest: +SKIP
    >>> shares.groupby("year")["share_of_pc4"].sum().round(9).unique().tolist()  # doctest: +SKIP
    [1.0]
    """
    path = processed_dir() / "pc4_wijk_crosswalk.parquet"
    if _stale(path, raw_dir()):
        build_observations()
    frame = pd.read_parquet(path)
    return frame if pc4 is None else frame[frame["pc4"] == str(pc4)].reset_index(drop=True)
