"""Each registered source table in ``data/raw`` as long rows of the observation schema.

One converter per publisher table (police crime and disorder, population, Participatiewet, the
national benefit series, the wijk- en buurtkaart, Leefbaarometer 2.0 and 3.0, the live-only tables).
Each returns the columns of :data:`cosie_analysis.data.schema.OBSERVATION_COLUMNS` that it knows
(``region_name`` and the period columns are added by :mod:`cosie_analysis.observations.build`).
"""

from __future__ import annotations

from importlib import resources
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

from cosie_analysis.data.mergers import harmonise
from cosie_analysis.data.sources import cbs, leefbaarometer as lbm
from cosie_analysis.data.sources.cbs import STATUS_DEFINITIVE, STATUS_NOT_AVAILABLE
from cosie_analysis.data.sources.live import indicator_of, read_live_table
from cosie_analysis.errors import InputFileError
from cosie_analysis.observations._rates import _rates, _worst

#: The 12 offence types of 47018NED reported per municipality ("main offence types").
MUNICIPAL_OFFENCES = ["1.1.1", "1.1.2", "1.2.1", "1.2.2", "1.2.3", "1.4.2", "1.4.4", "1.4.5",
                      "2.2.1", "2.5.1", "3.1.1", "3.1.3"]

#: Participatiewet measures read from 83450NED / 83747NED / 84066NED -> (indicator, nl, en, unit)
BIJSTAND_MEASURES = {
    "Inwoners_1": ("inhabitants", "Inwoners", "Inhabitants", "persons"),
    "Bijstandsontvangers_2": ("bijstand_recipients", "Bijstandsontvangers", "People on social assistance (bijstand)",
                              "persons"),
    "Bijstandsdichtheid_3": ("bijstand_density", "Bijstandsdichtheid (per 1.000 inwoners)",
                             "Social assistance density (per 1,000 inhabitants)", "per 1000 inhabitants"),
    "Instroom_4": ("bijstand_inflow", "Instroom in de bijstand", "Inflow into social assistance", "persons"),
    "Uitstroom_6": ("bijstand_outflow", "Uitstroom uit de bijstand", "Outflow from social assistance", "persons"),
    "UitstroomNaarWerk_8": ("bijstand_outflow_to_work", "Uitstroom uit de bijstand naar werk",
                            "Outflow from social assistance to work", "persons"),
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
    "aantal_personen_met_een_alg_bijstandsuitkering_tot": ("kwb_bijstand_persons",
                                                           "Personen met een algemene bijstandsuitkering",
                                                           "People on general social assistance (bijstand)", "persons"),
    "aantal_personen_met_een_ww_uitkering_totaal": ("kwb_ww_persons", "Personen met een WW-uitkering",
                                                    "People on unemployment benefit (WW)", "persons"),
    "aantal_personen_met_een_ao_uitkering_totaal": ("kwb_ao_persons", "Personen met een AO-uitkering",
                                                    "People on disability benefit (AO)", "persons"),
    "aantal_personen_met_een_aow_uitkering_totaal": ("kwb_aow_persons", "Personen met een AOW-uitkering",
                                                     "People on state pension (AOW)", "persons"),
    "stedelijkheid_adressen_per_km2": ("kwb_urbanity", "Stedelijkheid (1 = zeer sterk stedelijk, 5 = niet stedelijk)",
                                       "Urbanity (1 = very highly urban, 5 = not urban)", "class (1-5)"),
    "omgevingsadressendichtheid": ("kwb_address_density", "Omgevingsadressendichtheid",
                                   "Address density of the surroundings", "addresses per km2"),
    "oppervlakte_land_in_ha": ("kwb_land_area", "Oppervlakte land", "Land area", "ha"),
}
KWB_RATES = ["kwb_bijstand_persons", "kwb_ww_persons", "kwb_ao_persons"]

#: 37789ksz measures (national, monthly, x 1,000) -> (indicator, nl, en)
BENEFIT_MEASURES = {
    "TotaalBijstandsuitkeringen_11": ("nl_bijstand_benefits", "Bijstandsuitkeringen, totaal",
                                      "Social assistance benefits, total"),
    "BijstandsuitkeringenTotDeAOWLeeftijd_12": ("nl_bijstand_benefits_below_aow",
                                                "Bijstandsuitkeringen tot de AOW-leeftijd",
                                                "Social assistance benefits below state-pension age"),
    "BijstandsuitkeringenVanafAOWLeeftijd_13": ("nl_bijstand_benefits_aow_plus",
                                                "Bijstandsuitkeringen vanaf de AOW-leeftijd",
                                                "Social assistance benefits from state-pension age"),
    "TotaalArbeidsongeschiktheidsuitkeringen_1": ("nl_disability_benefits", "Arbeidsongeschiktheidsuitkeringen, totaal",
                                                  "Disability benefits, total"),
    "IOAWUitkeringen_14": ("nl_ioaw_benefits", "IOAW-uitkeringen", "IOAW benefits (older unemployed)"),
    "AOWUitkeringen_16": ("nl_aow_benefits", "AOW-uitkeringen", "State pension (AOW) benefits"),
}


def _key_id(prefix: str, key: str) -> str:
    return prefix + "_" + "".join(ch if ch.isalnum() else "_" for ch in key.lower())


def _labels_en() -> dict[tuple[str, str], str]:
    text = resources.files("cosie_analysis").joinpath("resources/category_labels_en.csv").read_text("utf-8")
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
            f"row {i + 1} (line {data['_line'].iat[i]}), column `{category}`: key {keys.iat[i]!r} "
            f"is not in {category}.csv.",
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
            for k, t in zip(keys, label, strict=True)
        ],
        unit=unit,
        region_code=data["WijkenEnBuurten"],
        period=data["Perioden"],
        value=data[measure],
        status=status,
        source_table=table_id,
        source_key=keys,
    )


def _bijstand_on_today(frame: pd.DataFrame, today: list[str]) -> pd.DataFrame:
    """Participatiewet rows on today's borders: counts summed over merged municipalities; the density of
    a summed municipality recomputed as recipients per 1,000 inhabitants of the age group (CBS's
    definition; its inputs are rounded to tens, so it may differ from a published density by rounding).
    Where the counts could not be put on today's borders, neither can the density (same reason)."""
    is_density = frame["indicator"].str.startswith("bijstand_density")
    counts = harmonise(frame[~is_density], today)
    density = frame[is_density]
    noted = counts[counts["source_key"].str.contains(" | ", regex=False)]
    changed = set(zip(noted["region_code"], noted["period"], strict=True))
    unchanged = [(r, p) not in changed for r, p in zip(density["region_code"], density["period"], strict=True)]
    keep = density[np.asarray(unchanged, dtype=bool) & (
        ~density["region_code"].str.startswith("GM") | density["region_code"].isin(today)).to_numpy()]
    parts = [counts, keep]
    for suffix in ("", "_15_to_aow", "_aow_plus"):
        num = noted[noted["indicator"] == "bijstand_recipients" + suffix]
        den = counts[counts["indicator"] == "inhabitants" + suffix]
        pair = num.merge(den[["region_code", "period", "value", "status"]], on=["region_code", "period"],
                         suffixes=("", "_den"))
        if pair.empty:
            continue
        template = density[density["indicator"] == "bijstand_density" + suffix].iloc[0]
        ok = (pair["value_den"] > 0) & pair["value"].notna()
        note = pair["source_key"].str.split(" | ", regex=False).str[-1]
        parts.append(_frame(
            indicator=template["indicator"], label_nl=template["label_nl"], label_en=template["label_en"],
            unit=template["unit"], region_code=pair["region_code"], period=pair["period"],
            value=np.where(ok, pair["value"] / pair["value_den"].where(ok) * 1000.0, np.nan),
            status=np.where(ok, _worst(pair["status"], pair["status_den"]), STATUS_NOT_AVAILABLE),
            source_table=pair["source_table"],
            source_key=template["source_key"] + np.where(
                ok, " | recipients / inhabitants x 1000, " + note, " | " + note),
        ))
    return pd.concat(parts, ignore_index=True)


def _population(folder: Path, entry: dict) -> pd.DataFrame:
    table = cbs.read_odata_folder(
        folder, table_id="70072NED", dimensions=entry["dimensions"], measures=entry["measures"]
    )
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
    levels = [("gemeenten.csv", "gemeentecode", "gemeentenaam"), ("wijken.csv", "wijkcode", "wijknaam")]
    for name, code, label in levels:
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
            indicator="lbm2_score_class",
            label_nl="Leefbaarometer 2.0: scoreklasse (1 = zeer onvoldoende, 9 = uitstekend)",
            label_en="Leefbaarometer 2.0: score class (1 = very poor, 9 = excellent)", unit="score class (1-9)",
            region_code=classes["region_code"], period=classes["year"].astype(str) + "JJ00", value=classes["value"],
            status=np.where(classes["value"].isna(), STATUS_NOT_AVAILABLE, STATUS_DEFINITIVE),
            source_table="Leefbaarometer 2.0 (2016)",
            source_key="KL" + (classes["year"] % 100).astype(str).str.zfill(2),
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


def _live_tables(folder: dict, tables: dict, today: list[str], population: pd.DataFrame,
                 inhabitants: pd.DataFrame) -> list[pd.DataFrame]:
    """The live-only tables present in ``data/raw`` as observations (nothing when none was fetched).

    Yearly municipal counts are put on today's borders; ``bijstand_persons_per_1000`` is taken per
    1,000 of the (harmonised) population, the yearly KWB benefit counts per 1,000 of the same
    edition's inhabitants, and wijk and buurt crime per 1,000 of the KWB inhabitants of that year.
    """
    read = [read_live_table(folder[t], t, e) for t, e in tables.items() if e.get("live_only") and indicator_of(t, e)]
    if not read:
        return []
    live = pd.concat(read, ignore_index=True)
    monthly = live["period"].str.contains("MM", regex=False)
    yearly = harmonise(live[~monthly & ~live["indicator"].str.startswith("crime")], today)
    out = [live[monthly], live[~monthly & live["indicator"].str.startswith("crime")], yearly]
    per = {"label_nl": ", per 1.000 inwoners", "label_en": ", per 1,000 inhabitants", "unit": "per 1000 inhabitants"}
    bijstand = yearly[yearly["indicator"].isin(["bijstand_persons", "bijstand_persons_80794"])]
    out.append(_rates(bijstand, population, **per))
    kwb_inhabitants = pd.concat([inhabitants, yearly[yearly["indicator"] == "kwb_inhabitants"]], ignore_index=True)
    out.append(_rates(yearly[yearly["indicator"].isin(KWB_RATES)], kwb_inhabitants, **per))
    wijk_crime = live[live["indicator"].str.match(r"crime_\d") & ~live["region_code"].str.startswith("GM")]
    if len(wijk_crime):
        out.append(_rates(wijk_crime, kwb_inhabitants.drop_duplicates(["region_code", "period"]), **per))
    return [o for o in out if len(o)]

