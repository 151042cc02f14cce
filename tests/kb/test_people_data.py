"""Checks on the people files (``marsad/kb/data/people/*.yaml``).

The people files are the largest hand-edited part of the knowledge base and the one whose mistakes cost
most: a wrong date gives the wrong head of state for a whole year of news, an office pointing at an
unknown organisation silently loses its body, and one Arabic spelling shared by two people makes the
linker guess. These tests pin the schema, the vocabularies and a sample of offices that must resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cache
from importlib import resources
from typing import Any

import pytest

from marsad.kb.model import load_kb, parse_day
from marsad.link import holder
from marsad.text.normalize import normalize_text
from marsad.yaml_data import load_yaml

SECTORS = {
    *("GOV", "MIL", "COP", "SPY", "REB", "PTY", "LEG", "JUD", "OPP", "CVL"),
    *("REL", "JRN", "BUS", "EDU", "MED", "REF", "ELI", "UAF", "LAB"),
}
PSEUDO_CODES = {"UNO", "EUR", "IGO", "NGO", "IMG"}
PERSON_KEYS = {"id", "name", "ar", "short", "surname", "en", "gender", "offices", "wikidata"}
OFFICE_KEYS = {"role", "country", "start", "end", "sector", "org", "title"}
DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _data(name: str) -> str:
    return resources.files("marsad.kb").joinpath("data", name).read_text("utf-8")


@cache
def raw_people() -> dict[str, list[dict[str, Any]]]:
    """File name -> raw YAML records, so errors can name the file an analyst must open."""
    folder = resources.files("marsad.kb").joinpath("data", "people")
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith((".yaml", ".yml")):
            out[entry.name] = load_yaml(entry.read_text("utf-8")) or []
    return out


@cache
def role_vocabulary() -> frozenset[str]:
    """The role ids listed in the header comment of roles.yaml (the shared vocabulary)."""
    header = []
    for line in _data("roles.yaml").splitlines():
        if not line.startswith("#"):
            break
        header.append(line.lstrip("# "))
    text = " ".join(header)
    listed = text.split("people files:", 1)[1].split(".", 1)[0]
    roles = {r.strip() for r in listed.split(",") if r.strip()}
    return frozenset(roles | {"deputy_crown_prince"})


def _records() -> list[tuple[str, dict[str, Any]]]:
    return [(name, r) for name, recs in raw_people().items() for r in recs]


def test_vocabulary_is_read_from_roles_header() -> None:
    vocab = role_vocabulary()
    assert {"president", "king", "crown_prince", "foreign_minister", "governor"} <= vocab
    assert len(vocab) >= 24


def test_people_count_and_unique_ids() -> None:
    people = load_kb().people
    assert len(people) >= 1200
    seen: dict[str, str] = {}
    for name, r in _records():
        assert r["id"] not in seen, f"id {r['id']} in {name} and {seen[r['id']]}"
        seen[r["id"]] = name
    assert len(seen) == len(people)


def test_person_schema() -> None:
    for name, r in _records():
        where = f"{name}:{r.get('id')}"
        assert {"id", "name", "ar", "offices"} <= r.keys() <= PERSON_KEYS, where
        assert re.fullmatch(r"[a-z0-9_]+", r["id"]), where
        assert r["ar"] and all(isinstance(a, str) and a.strip() == a and a for a in r["ar"]), where
        for key in ("short", "surname"):
            assert all(isinstance(a, str) and a.strip() == a and a for a in r.get(key) or []), where
        assert r.get("gender") in (None, "m", "f"), where


def test_offices_vocabularies() -> None:
    roles = role_vocabulary()
    codes = {c["code"] for c in load_kb().countries} | PSEUDO_CODES
    for name, r in _records():
        for o in r.get("offices") or []:
            where = f"{name}:{r['id']}:{o}"
            assert o.keys() <= OFFICE_KEYS, where
            assert o["role"] in roles, where
            assert o.get("country") in codes, where
            assert (o.get("sector") or "GOV") in SECTORS, where


def test_office_dates_parse_and_are_ordered() -> None:
    for name, r in _records():
        for o in r.get("offices") or []:
            where = f"{name}:{r['id']}:{o['role']}"
            for key in ("start", "end"):
                value = o.get(key)
                assert value is None or isinstance(value, dt.date) or DATE_RE.match(str(value)), where
            start, end = parse_day(o.get("start")), parse_day(o.get("end"), end=True)
            assert start is None or end is None or start <= end, where


def test_office_orgs_exist() -> None:
    orgs = {o["id"] for o in load_kb().organizations}
    missing = defaultdict(list)
    for person in load_kb().people:
        for office in person.offices:
            if office.org and office.org not in orgs:
                missing[office.org].append(person.id)
    assert not missing, dict(missing)


def test_no_arabic_form_shared_by_two_people() -> None:
    owner: dict[str, str] = {}
    clashes = []
    for person in load_kb().people:
        for form in {normalize_text(a) for a in person.ar + person.short}:
            if owner.setdefault(form, person.id) != person.id:
                clashes.append((form, owner[form], person.id))
    assert not clashes, clashes[:20]


@pytest.mark.parametrize(
    ("role", "country", "day", "expected"),
    [
        ("president", "SYR", "2024-12-02", "Bashar al-Assad"),
        ("president", "SYR", "2025-06-01", "Ahmed al-Sharaa"),
        ("president", "USA", "2018-06-01", "Donald Trump"),
        ("president", "USA", "2022-06-01", "Joe Biden"),
        ("crown_prince", "SAU", "2016-06-01", "Mohammed bin Nayef"),
        ("crown_prince", "SAU", "2018-06-01", "Mohammed bin Salman"),
        ("king", "SAU", "2014-01-01", "King Abdullah bin Abdulaziz"),
        ("king", "SAU", "2016-01-01", "King Salman"),
        ("president", "RUS", "2010-01-01", "Dmitry Medvedev"),
        ("president", "RUS", "2015-01-01", "Vladimir Putin"),
        ("prime_minister", "TUR", "2012-01-01", "Recep Tayyip Erdoğan"),
        ("president", "EGY", "2012-10-01", "Mohamed Morsi"),
        ("president", "EGY", "2016-01-01", "Abdel Fattah el-Sisi"),
        ("president", "IRN", "2015-01-01", "Hassan Rouhani"),
        ("president", "IRN", "2024-12-02", "Masoud Pezeshkian"),
        ("supreme_leader", "IRN", "2020-01-01", "Ali Khamenei"),
        ("prime_minister", "ISR", "2022-01-01", "Naftali Bennett"),
        ("emir", "QAT", "2012-01-01", "Hamad bin Khalifa Al Thani"),
        ("emir", "QAT", "2014-01-01", "Tamim bin Hamad Al Thani"),
        ("president", "FRA", "2015-01-01", "François Hollande"),
        ("secretary_general", "UNO", "2015-01-01", "Ban Ki-moon"),
        ("secretary_general", "UNO", "2018-01-01", "António Guterres"),
        ("president", "TUN", "2017-01-01", "Beji Caid Essebsi"),
        ("prime_minister", "IRQ", "2018-01-01", "Haider al-Abadi"),
        ("foreign_minister", "RUS", "2018-01-01", "Sergey Lavrov"),
    ],
)
def test_office_holder_at_date(role: str, country: str, day: str, expected: str) -> None:
    found = holder(role, country, dt.date.fromisoformat(day))
    assert found is not None and found[0].name == expected, (role, country, day, found and found[0].name)
