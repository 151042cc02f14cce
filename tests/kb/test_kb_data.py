"""Schema and content checks for the knowledge-base YAML files in ``marsad/kb/data``.

The files are hand-edited by analysts, so these tests guard the contract the compiler relies on:
required keys, code and sector vocabularies, Arabic-script aliases, no alias pointing at two entities,
and a few variants that real news uses and that are easy to lose in an edit.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from marsad.text.normalize import normalize_text
from marsad.yaml_data import load_yaml

SECTORS = {
    "GOV",
    "MIL",
    "COP",
    "SPY",
    "REB",
    "PTY",
    "LEG",
    "JUD",
    "OPP",
    "CVL",
    "REL",
    "JRN",
    "BUS",
    "EDU",
    "MED",
    "REF",
    "ELI",
    "UAF",
    "LAB",
}
ORG_CODES = {"UNO", "EUR", "IGO", "NGO", "IMG", "MNC"}
ORG_KINDS = {"igo", "ngo", "armed_group", "party", "institution", "company", "media"}
ROLE_IDS = {
    "president",
    "vice_president",
    "king",
    "emir",
    "sultan",
    "crown_prince",
    "deputy_crown_prince",
    "prime_minister",
    "deputy_prime_minister",
    "foreign_minister",
    "defence_minister",
    "interior_minister",
    "finance_minister",
    "supreme_leader",
    "speaker",
    "spokesperson",
    "secretary_general",
    "envoy",
    "high_representative",
    "chief_of_staff",
    "leader",
    "ambassador",
    "minister",
    "mayor",
    "governor",
}
CODE_RE = re.compile(r"^[A-Z]{3}$")
ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3]")
LATIN_LETTER = re.compile(r"[A-Za-z]")
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"


@cache
def load(name: str) -> list[dict[str, Any]]:
    """Load one data file as shipped in the package (so package-data config is exercised too)."""
    text = resources.files("marsad.kb").joinpath("data", name).read_text("utf-8")
    data = load_yaml(text)
    assert isinstance(data, list), f"{name} must be a YAML list"
    return data


@cache
def country_codes() -> frozenset[str]:
    """Codes of the states and territories in countries.yaml."""
    return frozenset(c["code"] for c in load("countries.yaml"))


def assert_arabic(aliases: list[str], where: str) -> None:
    """Arabic aliases must contain Arabic letters and no Latin letters (digits/punctuation are fine)."""
    assert isinstance(aliases, list), where
    for a in aliases:
        assert isinstance(a, str) and a.strip() == a and a, f"{where}: bad alias {a!r}"
        assert ARABIC_LETTER.search(a), f"{where}: not Arabic script: {a!r}"
        assert not LATIN_LETTER.search(a), f"{where}: Latin letters in Arabic alias: {a!r}"


def country_index() -> dict[str, set[str]]:
    """Normalised alias -> codes, over names, capitals, seats and places."""
    index: dict[str, set[str]] = defaultdict(set)
    for c in load("countries.yaml"):
        seats = [s if isinstance(s, str) else s["name"] for s in c.get("seats", [])]
        for a in c["ar"] + c.get("plural", []) + c.get("capital", []) + c.get("places", []) + seats:
            index[normalize_text(a)].add(c["code"])
    return index


# --- countries -------------------------------------------------------------------------------------------


def test_countries_schema() -> None:
    allowed = {"code", "name", "en", "ar", "demonym", "plural", "capital", "seats", "places"}
    codes = set()
    for c in load("countries.yaml"):
        assert {"code", "name", "en", "ar"} <= c.keys(), c
        assert c.keys() <= allowed, c.keys() - allowed
        assert CODE_RE.match(c["code"]) and c["code"] not in ORG_CODES, c["code"]
        assert c["code"] not in codes, f"duplicate code {c['code']}"
        codes.add(c["code"])
        assert isinstance(c["name"], str) and c["en"] and all(isinstance(e, str) for e in c["en"])
        for key in ("ar", "demonym", "plural", "capital", "places"):
            if key in c:
                assert_arabic(c[key], f"{c['code']}.{key}")
        for s in c.get("seats", []):
            if isinstance(s, dict):
                assert s.keys() == {"name", "sector"} and s["sector"] in SECTORS, s
                assert_arabic([s["name"]], f"{c['code']}.seats")
            else:
                assert_arabic([s], f"{c['code']}.seats")
        for d in c.get("demonym", []):
            assert not d.startswith("ال"), f"{c['code']}: demonym must be written without the article: {d}"
    assert len(codes) >= 240
    assert {"PSE", "KOS"} <= codes and "XKX" not in codes


def test_country_aliases_are_unambiguous() -> None:
    clashes = {a: codes for a, codes in country_index().items() if len(codes) > 1}
    assert not clashes, clashes


def test_key_country_variants() -> None:
    index = country_index()
    by_code = {c["code"]: c for c in load("countries.yaml")}
    for alias, code in [
        ("أميركا", "USA"),
        ("أمريكا", "USA"),
        ("الولايات المتحدة", "USA"),
        ("الكرملين", "RUS"),
        ("البيت الأبيض", "USA"),
        ("الإليزيه", "FRA"),
        ("قصر بعبدا", "LBN"),
        ("قصر قرطاج", "TUN"),
        ("سورية", "SYR"),
        ("فلسطين", "PSE"),
        ("الأراضي الفلسطينية", "PSE"),
        ("غزة", "PSE"),
        ("موسكو", "RUS"),
        ("طهران", "IRN"),
        ("المملكة العربية السعودية", "SAU"),
        ("بلاروسيا", "BLR"),  # the spelling without ي is common too
        ("بيلاروسيا", "BLR"),
    ]:
        assert index[normalize_text(alias)] == {code}, alias
    assert {"أمريكي", "أميركي"} <= set(by_code["USA"]["demonym"])
    assert "إسرائيلي" in by_code["ISR"]["demonym"] and "فلسطيني" in by_code["PSE"]["demonym"]
    seats = {s if isinstance(s, str) else s["name"]: s for s in by_code["ISR"]["seats"]}
    assert seats["الكنيست"] == {"name": "الكنيست", "sector": "LEG"}
    pentagon = [s for s in by_code["USA"]["seats"] if isinstance(s, dict) and s["name"] == "البنتاغون"]
    assert pentagon and pentagon[0]["sector"] == "MIL"
    assert "واشنطن" not in by_code["USA"]["ar"]


# --- organisations ---------------------------------------------------------------------------------------


def test_organizations_schema() -> None:
    ids = set()
    alias_owner: dict[str, str] = {}
    for o in load("organizations.yaml"):
        assert {"id", "name", "code", "sector", "kind", "ar", "en"} <= o.keys(), o
        assert o.keys() <= {"id", "name", "code", "sector", "kind", "ar", "en", "abbr", "demonym"}, o
        assert_arabic(o.get("demonym", []), o["id"])
        assert o["id"] not in ids, f"duplicate id {o['id']}"
        ids.add(o["id"])
        assert o["code"] in ORG_CODES or o["code"] in country_codes(), o
        assert o["sector"] in SECTORS and o["kind"] in ORG_KINDS, o
        assert_arabic(o["ar"], o["id"])
        for a in o["ar"]:
            key = normalize_text(a)
            assert alias_owner.setdefault(key, o["id"]) == o["id"], f"{a} in {o['id']} and {alias_owner[key]}"
    assert len(ids) >= 250


def test_key_organizations() -> None:
    by_alias = {normalize_text(a): o for o in load("organizations.yaml") for a in o["ar"]}
    expect = {
        "حزب الله": ("LBN", "REB"),
        "حماس": ("PSE", "REB"),
        "الحوثيين": ("YEM", "REB"),
        "داعش": ("IMG", "REB"),
        "هيئة تحرير الشام": ("SYR", "REB"),
        "قسد": ("SYR", "REB"),
        "مجلس الأمن الدولي": ("UNO", "GOV"),
        "محكمة العدل الدولية": ("UNO", "JUD"),
        "المحكمة الجنائية الدولية": ("IGO", "JUD"),
        "الوكالة الدولية للطاقة الذرية": ("IGO", "GOV"),
        "البرلمان الأوروبي": ("EUR", "LEG"),
        "التحالف العربي": ("SAU", "MIL"),
        "الحرس الثوري": ("IRN", "MIL"),
        "الموساد": ("ISR", "SPY"),
        "حركة النهضة": ("TUN", "PTY"),
        "منظمة العفو الدولية": ("NGO", "GOV"),
        "أرامكو": ("SAU", "BUS"),
        "الحشد الشعبي": ("IRQ", "MIL"),
        "القوى الكبرى": ("IGO", "GOV"),
        "جامعة الدول العربية": ("IGO", "GOV"),
    }
    for alias, (code, sector) in expect.items():
        o = by_alias[normalize_text(alias)]
        assert (o["code"], o["sector"]) == (code, sector), alias


# --- institutions, roles, generic ------------------------------------------------------------------------


def test_institutions_schema() -> None:
    ids = set()
    for i in load("institutions.yaml"):
        assert {"id", "ar", "sector"} <= i.keys() <= {"id", "ar", "bare", "genitive", "acts", "sector"}, i
        assert i["id"] not in ids and i["sector"] in SECTORS, i
        ids.add(i["id"])
        assert_arabic(i["ar"], i["id"])
        assert_arabic(i.get("genitive", []) + i.get("bare", []) + i.get("acts", []), i["id"])
    sectors = {i["id"]: i["sector"] for i in load("institutions.yaml")}
    assert sectors["army"] == "MIL" and sectors["police"] == "COP" and sectors["intelligence"] == "SPY"
    assert (
        sectors["parliament"] == "LEG" and sectors["court"] == "JUD" and sectors["health_ministry"] == "MED"
    )


def test_roles_schema() -> None:
    seen = set()
    for r in load("roles.yaml"):
        assert (
            {"role", "sector", "ar", "adj", "gen"}
            <= r.keys()
            <= {"role", "sector", "ar", "adj", "gen", "owned", "portfolio", "honorifics", "pronouns", "fixed"}
        ), r
        assert r["role"] in ROLE_IDS and r["sector"] in SECTORS, r
        for key in ("ar", "adj", "gen", "owned", "portfolio", "honorifics", "pronouns"):
            assert_arabic(r.get(key, []), f"{r['role']}.{key}")
        if "fixed" in r:
            assert CODE_RE.match(r["fixed"]["country"]), r
        seen.add(r["role"])
    assert seen >= ROLE_IDS - {"deputy_crown_prince"}
    fixed = {a: r["fixed"]["country"] for r in load("roles.yaml") if "fixed" in r for a in r["ar"]}
    assert fixed["خادم الحرمين الشريفين"] == "SAU" and fixed["مرشد الثورة"] == "IRN"


def test_generic_schema() -> None:
    ids = set()
    for g in load("generic.yaml"):
        assert {"id", "ar", "sector", "takes_country"} <= g.keys(), g
        assert g.keys() <= {
            "id",
            "ar",
            "sector",
            "takes_country",
            "code",
            "group",
            "of_people",
            "counterpart",
            "self_reference",
            "kingdoms",
        }
        assert g["id"] not in ids and (g["sector"] is None or g["sector"] in SECTORS), g
        ids.add(g["id"])
        assert g.get("code") is None or CODE_RE.match(g["code"]), g
        assert_arabic(g["ar"], g["id"])
    by_id = {g["id"]: g for g in load("generic.yaml")}
    assert by_id["gunmen"]["sector"] == "UAF" and by_id["gunmen"].get("code") is None
    assert by_id["settlers"]["code"] == "ISR" and by_id["refugees"]["sector"] == "REF"
    assert by_id["pair"]["group"] is True and {"الجانبين", "البلدين"} <= set(by_id["pair"]["ar"])
    assert by_id["leaders"]["of_people"] is True and "الزعيمان" in by_id["leaders"]["ar"]
    assert by_id["counterpart"]["counterpart"] is True and "نظيره" in by_id["counterpart"]["ar"]
    assert by_id["the_kingdom"]["self_reference"] is True and "SAU" in by_id["the_kingdom"]["kingdoms"]
    assert all(set(g.get("kingdoms", ())) <= country_codes() for g in load("generic.yaml"))


def test_generic_and_institution_aliases_do_not_overlap() -> None:
    """The same word in both files would give the compiler two readings; keep one."""
    inst = {normalize_text(a) for i in load("institutions.yaml") for a in i["ar"] + i.get("bare", [])}
    gen = {normalize_text(a) for g in load("generic.yaml") for a in g["ar"]}
    assert not inst & gen, sorted(inst & gen)


def test_outlets_schema() -> None:
    """Every outlet has names and a home country that is a state in countries.yaml, or null; no name is
    listed twice (the linker would take whichever came last)."""
    seen: set[str] = set()
    for row in load("outlets.yaml"):
        assert row.keys() == {"names", "country"}, row
        assert row["country"] is None or row["country"] in country_codes(), row
        assert row["names"] and all(isinstance(n, str) and n.strip() == n and n for n in row["names"]), row
        keys = {normalize_text(n).casefold() for n in row["names"]}
        assert not keys & seen, sorted(keys & seen)
        seen |= keys


# --- coverage on the training annotations (skips on a clone without /work/shared) -------------------------


@pytest.mark.skipif(not (SHARED / "eval" / "train.jsonl").exists(), reason="shared gold data not available")
def test_gold_country_names_are_known() -> None:
    """Every gold party text that is exactly a country-looking name should resolve to its gold code."""
    index = country_index()
    hits = misses = 0
    with open(SHARED / "eval" / "train.jsonl", encoding="utf-8") as fh:
        for line in fh:
            for ev in json.loads(line)["events"]:
                for p in ev["actors"] + ev["recipients"]:
                    codes = index.get(normalize_text(p["text"] or ""))
                    if codes and p["code"] and p["sector"] == "GOV":
                        hits += p["code"] in codes
                        misses += p["code"] not in codes
    assert hits > 500 and misses / (hits + misses) < 0.03
