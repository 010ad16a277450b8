"""Direct-identifier screening of pilot registers: what a privacy officer would look for in a cell.

:func:`identifier_kinds` reads one cell as text and names the *kinds* of direct identifier it holds
(never the value): a citizen service number (BSN, 9 digits that pass the 11-test, also behind a
prefix, inside text, with ``.``, ``-``, ``/``, ``_`` or spaces between the digits, or as Excel left it:
``123456782.0`` or without its leading zero), a Dutch phone number (also inside text, with ``+31`` or
``0031``, or as a 9-digit number that lost its leading 0 in Excel), an e-mail address (also written
``jan [at] voorbeeld [dot] nl``), an IBAN (with valid mod-97 check digits), a postcode with a house
number (either order) or a six-character postcode, a street name with a house number, and a full
date that could be a date of birth.

The rules are tuned to refuse nothing legitimate: amounts with decimals (``192000.06``), counts of up
to eight digits in ``value``, labels such as ``supermarkt 2``, ``speelpark 1``, ``Werktafel 2021 nr
2``, ``sessies 2020 en 2021``, ``age 18-26`` and area codes (``GM0321``, ``WK035601``,
``BU03560101``, ``3431``) pass. Names inside free text cannot be detected reliably: that is why
``unit_id`` admits no spaces and free-text columns are refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "IDENTIFIER_COLUMN_HINTS",
    "IDENTIFIER_KINDS",
    "SCREEN_ASCII",
    "bsn_11_test",
    "column_identifier_kind",
    "iban_check",
    "identifier_kinds",
]

#: The kinds of direct identifier, as named in messages (the value itself is never shown).
IDENTIFIER_KINDS = {
    "bsn": "a citizen service number (BSN: 9 digits that pass the 11-test)",
    "phone": "a Dutch phone number",
    "phone_excel": "a phone number that lost its leading 0 (9 digits)",
    "email": "an e-mail address",
    "iban": "a bank account number (IBAN)",
    "postcode_house": "a postcode with a house number",
    "postcode": "a six-character postcode (PC6)",
    "street": "a street address",
    "birth_date": "a full date that could be a date of birth",
}

#: Column-name fragments (lower case, letters and digits only) that mark a direct identifier -> why.
IDENTIFIER_COLUMN_HINTS = {
    "naam": "a person's name", "name": "a person's name", "voorletters": "a person's name",
    "initialen": "a person's name", "adres": "an address", "address": "an address",
    "straat": "an address", "street": "an address", "huisnummer": "an address", "housenumber": "an address",
    "huisnr": "an address", "postcode": "a postcode", "zipcode": "a postcode", "pc6": "a postcode",
    "telefoon": "a phone number", "phone": "a phone number", "mobiel": "a phone number", "gsm": "a phone number",
    "email": "an e-mail address", "mail": "an e-mail address", "bsn": "a citizen service number (BSN)",
    "burgerservicenummer": "a citizen service number (BSN)", "sofinummer": "a citizen service number (BSN)",
    "geboortedatum": "a date of birth", "birth": "a date of birth", "gebdatum": "a date of birth",
    "dob": "a date of birth", "iban": "a bank account number", "rekeningnummer": "a bank account number",
}  # fmt: skip

#: Full dates before this year cannot be observation dates of the pilots (2017 on) and are read as
#: possible dates of birth; later dates in free columns are left to the period rules.
BIRTH_YEARS_BEFORE = 2010
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_AT = re.compile(r"\s*(?:[\[\(\{<]\s*(?:at|apestaart|@)\s*[\]\)\}>]|\s(?:at|apestaart)\s)\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*(?:[\[\(\{<]\s*(?:dot|punt|\.)\s*[\]\)\}>]|\s(?:dot|punt)\s)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,}")
# area codes and CBS period codes (2020MM06 is not postcode 2020 MM, number 06)
_AREA = re.compile(
    r"(?<![A-Za-z0-9])(?:GM\d{4}|WK\d{6}|BU\d{8}|PV\d{2}|CR\d{2}|NL\d{2}|\d{4}(?:MM|KW|JJ)\d{2})(?![0-9])",
    re.IGNORECASE,
)
_DATE = re.compile(r"(?<!\d)(?:(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})|(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}))(?!\d)")
_IBAN = re.compile(r"(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30})(?![A-Za-z0-9])", re.IGNORECASE)
# a postcode: 4 digits (1000-9999) and 2 letters; with a space between them only in capitals, so
# that "2021 nr 2" or "2020 en 2021" are not taken for one (SA, SD and SS are not issued)
_PC = r"[1-9]\d{3}(?:[A-Za-z]{2}|\s[A-Z]{2})(?<![Ss][AaDdSs])(?![A-Za-z])"
_PC_HOUSE = re.compile(rf"(?<!\d){_PC}[\s,;\-_/]*\d{{1,5}}(?!\d)|(?<!\d)\d{{1,5}}[A-Za-z]?[\s,;\-_/]+{_PC}")
_PC_ALONE = re.compile(rf"(?<![\dA-Za-z]){_PC}")
_STREET_PLAIN = "straat|laan|weg|plantsoen|singel|gracht|dreef|steeg|kade|pad|hof|erf|baan"
_STREET_PROPER = "plein|park|markt|dijk|veld|wal|haven"  # also common nouns (speelpark, supermarkt): capitals only
_STREET = re.compile(
    rf"(?<![A-Za-z])(?:[A-Za-z][A-Za-z'\-]+(?:{_STREET_PLAIN})|[A-Z][a-z'\-]+(?:{_STREET_PROPER})"
    r"|Markt|Plein|Dijk|Haven|Wal|Kade|Singel|Gracht)"
    r"[\s_\-.]*\d{1,4}(?:\s?[A-Za-z](?![A-Za-z]))?(?!\d)"
)
_NOT_STREETS = frozenset({"supermarkt", "speelpark", "bedrijvenpark", "vakantiepark", "pretpark", "themapark",
                          "attractiepark", "jaarmarkt", "weekmarkt", "huiskamer"})
#: A cell can hold an identifier only if it matches this (a cheap first pass; most cells do not).
SUSPECT = re.compile(
    r"\d[\d\s.,\-/_\u200b\u200c\u200d\u2060\ufeff\u00ad]{4,}\d|@|\bat\b|apestaart|[\[\(\{<]|\d{4}\s?[a-z]{2}(?![a-z])|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}"
    rf"|(?:{_STREET_PLAIN}|{_STREET_PROPER})[\s_\-.]*\d|^(?:markt|plein|dijk|haven|wal|kade|singel|gracht)\b",
    re.IGNORECASE,
)
#: A sharper first pass for ASCII cells, written so that Python's ``re`` and pyarrow's RE2 read it alike
#: (no look-arounds), to screen whole columns at once. An ASCII cell it does not match holds no
#: identifier: it is :data:`SUSPECT` with the digit alternative narrowed to what
#: :func:`identifier_kinds` can flag (a run of 8 digits not starting with 0, or of 9 or more: BSN,
#: phone numbers) plus the shape of an IBAN (whose digit runs may be short), and without the
#: look-ahead of the postcode alternative. Cells with other characters go through
#: :func:`identifier_kinds` itself. ``tests/test_pilot_chunks.py`` checks the claim on every example.
SCREEN_ASCII = (
    r"(?i)[1-9](?:[\t-\r\x1c-\x1f ./_-]?[0-9]){7}|[0-9](?:[\t-\r\x1c-\x1f ./_-]?[0-9]){8}"
    r"|[a-z]{2}[0-9]{2}(?: ?[a-z0-9]){11}|@|\bat\b|apestaart|[\[\(\{<]|[0-9]{4}[\t-\r\x1c-\x1f ]?[a-z]{2}"
    r"|[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}"
    rf"|(?:{_STREET_PLAIN}|{_STREET_PROPER})[\t-\r\x1c-\x1f _.-]*[0-9]"
    r"|^(?:markt|plein|dijk|haven|wal|kade|singel|gracht)\b"
)
_DIGIT_RUN = re.compile(r"(?<![\d.,])\d(?:[\s.\-/_]?\d)*(?:[.,]0+)?(?![\d])")


def bsn_11_test(text: str) -> bool:
    """True when ``text`` (8 or 9 digits, spaces, dots and dashes ignored) passes the BSN 11-test.

    The weighted sum ``9*d1 + 8*d2 + ... + 2*d8 - 1*d9`` must be divisible by 11, and not all digits
    zero. 8-digit numbers are read with a leading zero, as BSNs issued as sofinummers may be.

    Examples
    --------
    >>> bsn_11_test("111222333"), bsn_11_test("111222334")
    (True, False)
    """
    digits = re.sub(r"[\s.\-]", "", str(text))
    if not re.fullmatch(r"\d{8,9}", digits):
        return False
    digits = digits.zfill(9)
    if set(digits) == {"0"}:
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 == 0


def iban_check(text: str) -> bool:
    """True when ``text`` (spaces ignored) is an IBAN whose check digits pass the mod-97 test (ISO 13616).

    Examples
    --------
    >>> iban_check("NL91 ABNA 0417 1643 00"), iban_check("NL92 ABNA 0417 1643 00")
    (True, False)
    """
    s = re.sub(r"\s", "", str(text)).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", s):
        return False
    number = "".join(str(int(ch, 36)) for ch in s[4:] + s[:4])
    return int(number) % 97 == 1


def column_identifier_kind(name: str) -> str | None:
    """What a column name suggests (``"a person's name"``, ...) when it marks a direct identifier, else None."""
    norm = re.sub(r"[^a-z0-9]", "", str(name).lower())
    return next((why for frag, why in IDENTIFIER_COLUMN_HINTS.items() if frag in norm), None)


def _digit_kinds(digits: str, *, number_column: bool) -> set[str]:
    n, kinds = len(digits), set()
    if n == 9 and bsn_11_test(digits):
        kinds.add("bsn")
    elif n == 9 and digits[0] != "0":
        kinds.add("phone_excel")
    elif n == 8 and digits[0] != "0" and not number_column and bsn_11_test(digits):
        kinds.add("bsn")  # a BSN whose leading 0 Excel dropped; a zero-padded code keeps its 0
    if (n == 10 and re.fullmatch(r"0[1-9]\d{8}", digits)) or (n == 11 and re.fullmatch(r"31[1-9]\d{8}", digits)) \
            or (n == 13 and re.fullmatch(r"0031[1-9]\d{8}", digits)):
        kinds.add("phone")
    return kinds


def _number_kinds(text: str, *, number_column: bool, dates: bool) -> set[str]:
    kinds: set[str] = set()
    for m in _DIGIT_RUN.finditer(text):
        run = re.sub(r"[.,]0+$", "", m.group())  # 123456782.0: a number Excel stored as a float
        if re.fullmatch(r"\d+[.,]\d{1,2}", run):
            continue  # an amount with decimals (192000.06), not an identifier
        digits = re.sub(r"\D", "", run)
        kinds |= _digit_kinds(digits, number_column=number_column)
        parts = re.split(r"[\s/_]+", run)
        if len(parts) > 1:
            for part in parts:
                kinds |= _digit_kinds(re.sub(r"\D", "", part), number_column=number_column)
    return kinds


def identifier_kinds(text: object, *, column: str | None = None) -> list[str]:
    """The kinds of direct identifier in one cell (keys of :data:`IDENTIFIER_KINDS`), sorted; [] if none.

    Parameters
    ----------
    text : object
        The cell, read as text.
    column : str, optional
        The register column: in ``value`` eight-digit numbers are counts, not identifiers; in
        ``period`` full dates are the register's own dates and are checked by the period rules.

    Examples
    --------
    Synthetic values, made up for the example (the BSN passes the 11-test but is nobody's):

    >>> identifier_kinds("klant BSN:111.222.333 vrijwilligers")
    ['bsn']
    >>> identifier_kinds("mail jan [at] voorbeeld (dot) nl"), identifier_kinds("612345678.0")
    (['email'], ['phone_excel'])
    >>> identifier_kinds("speelpark 1"), identifier_kinds("192000.06", column="value")
    ([], [])
    """
    raw = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE).strip()
    if not raw or not SUSPECT.search(raw):
        return []
    kinds: set[str] = set()
    mail = _DOT.sub(".", _AT.sub("@", raw))
    if _EMAIL.search(mail):
        kinds.add("email")
    for m in _IBAN.finditer(raw):
        if iban_check(m.group(1)):
            kinds.add("iban")
    rest = _IBAN.sub(" ", raw)
    rest = _AREA.sub(" ", _EMAIL.sub(" ", rest))
    if _PC_HOUSE.search(rest):
        kinds.add("postcode_house")
    elif _PC_ALONE.search(rest):
        kinds.add("postcode")
    for m in _STREET.finditer(rest):
        head = re.match(r"[A-Za-z'\-]+", m.group())
        if head is None:  # never: every _STREET match begins with letters
            continue
        word = head.group().lower()
        if word not in _NOT_STREETS:
            kinds.add("street")
    if column != "period":
        for m in _DATE.finditer(rest):
            year = int(m.group(1) or m.group(6))
            month, day = (int(m.group(2)), int(m.group(3))) if m.group(1) else (int(m.group(5)), int(m.group(4)))
            if 1900 <= year < BIRTH_YEARS_BEFORE and 1 <= month <= 12 and 1 <= day <= 31:
                kinds.add("birth_date")
    rest = _DATE.sub(" ", rest)
    kinds |= _number_kinds(rest, number_column=column == "value", dates=column == "period")
    return sorted(kinds)


def screen_texts(texts: Iterable[tuple[str, object]]) -> dict[str, list[str]]:
    """Screen ``(where, text)`` pairs; returns kind -> the places where it was found (values not kept)."""
    found: dict[str, list[str]] = {}
    for where, text in texts:
        for kind in identifier_kinds(text):
            found.setdefault(kind, []).append(where)
    return found
