"""The word tables: every key once, in both languages, and Dutch written the Dutch way."""

from __future__ import annotations

import re

import pytest

from cosie_analysis import words
from cosie_analysis.words import _captions, _comparisons, _figures, _general

TABLES = {
    "general": _general.WORDS,
    "comparisons": _comparisons.WORDS,
    "figures": _figures.WORDS,
    "captions": _captions.WORDS,
}


def test_each_key_is_defined_in_one_themed_table():
    seen: dict[str, str] = {}
    clashes = []
    for name, table in TABLES.items():
        for key in table["nl"]:
            if key in seen:
                clashes.append(f"{key!r} in {seen[key]} and {name}")
            seen[key] = name
    assert not clashes, "a word is defined twice (the later silently wins): " + "; ".join(clashes)
    assert set(words.WORDS["nl"]) == set(seen)


def test_every_report_figure_has_a_caption_and_every_caption_a_figure():
    from cosie_analysis.report.figures import FIGURES

    assert sorted(_captions.WORDS["nl"]) == sorted(f"caption_{name}" for name in FIGURES)
    assert FIGURES["corona_timeline"].caption_en == words.word("caption_corona_timeline", "en")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_every_word_exists_in_both_languages(name):
    nl, en = TABLES[name]["nl"], TABLES[name]["en"]
    assert sorted(set(nl) ^ set(en)) == []
    # the same placeholders on both sides, so a sentence formats in either language
    fields = re.compile(r"\{(\w*)")
    differ = [k for k in nl if sorted(fields.findall(nl[k])) != sorted(fields.findall(en[k]))]
    assert differ == []


def test_dutch_numbers_in_words_use_the_dutch_separators():
    # "1.000", "0,05" in Dutch; "1,000", "0.05" in English (numbers written inside the words themselves);
    # product names such as "Leefbaarometer 2.0" keep their own spelling
    english = re.compile(r"(?<![\d.,])(?:0\.\d+|[1-9]\d{0,2},\d{3})(?![\d,])")
    bad = {key: text for key, text in words.WORDS["nl"].items()
           if english.search(re.sub(r"Leefbaarometer \d\.\d", "", text))}
    assert bad == {}
    assert english.search("p < 0.05") and english.search("1,000 inhabitants") and not english.search("0,667")
    assert words.word("per_1000", "nl") == "per 1.000 inwoners"
    assert words.word("per_1000", "en") == "per 1,000 inhabitants"
