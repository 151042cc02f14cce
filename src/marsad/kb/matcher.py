"""The KB compiled into one phrase automaton: every name, role, demonym, institution and generic actor.

Each surface form maps to the ``Entry`` records it can stand for (a form may be ambiguous: "عبد الله"
names several people); the linker composes and resolves them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from marsad.kb.model import KBData, load_kb
from marsad.text.normalize import normalize_text
from marsad.text.phrases import PhraseMatcher

# Derived demonym forms: nisba + (fem, dual, plural) endings, with and without the article.
DEMONYM_ENDINGS = ("", "ه", "ين", "ون", "ان", "تين", "تان", "ات", "ا")


@dataclass(slots=True, frozen=True)
class Entry:
    """What a surface form stands for."""

    # state | demonym | capital | seat | place | org | institution | role | person | generic | group
    # | counterpart | self | honorific | act (a verbal noun and its preposition: no party)
    kind: str
    ref: str  # code, org id, role id, person id, generic id ...; "org:<id>" for an organisation's demonym
    code: str | None = None
    sector: str | None = None
    name: str | None = None
    # name | adj | bare (an adjective too: not after a definite noun) | gen | bare_gen (an adjective too:
    # only with a country after it) | owned (a title that is a common noun too: only with a demonym or a
    # name after it) | plural | bare_plural (only after a noun) | short | surname
    # | fixed (a generic that takes no country) | people (a group word for leaders)
    form: str = "name"


Compiled = PhraseMatcher[Entry]


def demonym_forms(base: str) -> list[str]:
    """All inflections of a nisba adjective (روسي -> روسيه, الروسيين ...), normalised."""
    parts = normalize_text(base).split()
    forms = []
    for ending in DEMONYM_ENDINGS:
        forms.append(" ".join(w + ending for w in parts))
        forms.append(" ".join("ال" + w + ending for w in parts))  # both words take the article
    return forms


def _add_countries(b: Compiled, kb: KBData) -> None:
    for c in kb.countries:
        code, name = c["code"], c.get("name")
        for form in c.get("ar") or []:
            b.add(form, Entry("state", code, code, "GOV", name))
        for dem in c.get("demonym") or []:
            for form in demonym_forms(dem):
                b.add(form, Entry("demonym", code, code, None, name))
        for form in c.get("plural") or []:
            b.add(form, Entry("demonym", code, code, None, name, form="plural"))
            if form.startswith("ال"):  # "دبلوماسيون روس": without the article, only after a noun
                b.add(form[2:], Entry("demonym", code, code, None, name, form="bare_plural"))
        for form in c.get("capital") or []:
            b.add(form, Entry("capital", code, code, "GOV", name))
        for seat in c.get("seats") or []:
            form, sector = (
                (seat["name"], seat.get("sector", "GOV")) if isinstance(seat, dict) else (seat, "GOV")
            )
            b.add(form, Entry("seat", code, code, sector, name))
        for form in c.get("places") or []:
            b.add(form, Entry("place", code, code, None, name))


def _add_orgs(b: Compiled, kb: KBData) -> None:
    for o in kb.organizations:
        entry = Entry("org", str(o["id"]), o.get("code"), o.get("sector"), o.get("name"))
        for form in (o.get("ar") or []) + (o.get("abbr_ar") or []):
            b.add(form, entry)
        for dem in o.get("demonym") or []:  # "المبعوث الأممي": an office of the organisation
            for form in demonym_forms(dem):
                b.add(form, Entry("demonym", f"org:{o['id']}", o.get("code"), None, o.get("name")))
    for inst in kb.institutions:
        for form in inst.get("ar") or []:
            b.add(form, Entry("institution", str(inst["id"]), None, inst.get("sector"), form="adj"))
        for form in inst.get("bare") or []:
            kind = "bare" if form.startswith("ال") else "bare_gen"
            b.add(form, Entry("institution", str(inst["id"]), None, inst.get("sector"), form=kind))
        for form in inst.get("genitive") or []:
            b.add(form, Entry("institution", str(inst["id"]), None, inst.get("sector"), form="gen"))
        for form in inst.get("acts") or []:  # "الدفاع عن": the act, never the institution
            b.add(form, Entry("act", str(inst["id"])))


def _add_roles(b: Compiled, kb: KBData) -> None:
    for r in kb.roles:
        fixed = (r.get("fixed") or {}).get("country")
        for form in (r.get("ar") or []) + (r.get("adj") or []):
            b.add(form, Entry("role", r["role"], fixed, r.get("sector", "GOV"), form="adj"))
        for form in r.get("gen") or []:
            b.add(form, Entry("role", r["role"], fixed, r.get("sector", "GOV"), form="gen"))
        for form in r.get("owned") or []:  # "المستشار": a title only with its owner or a name after it
            kind = "owned" if form.startswith("ال") else "bare_gen"
            b.add(form, Entry("role", r["role"], fixed, r.get("sector", "GOV"), form=kind))
        for form in r.get("portfolio") or []:  # "وزير" + "التجارة" + "الأمريكي": see link.py
            b.add(form, Entry("role", r["role"], fixed, r.get("sector", "GOV"), form="portfolio"))
        for form in r.get("pronouns") or []:  # one entry per pronoun: "جلالته" stands for kings and sultans
            b.add(form, Entry("honorific", normalize_text(form), sector=r.get("sector", "GOV")))


def _add_generic(b: Compiled, kb: KBData) -> None:
    for g in kb.generic:
        kind = (
            "group" if g.get("group")
            else "counterpart" if g.get("counterpart")
            else "self" if g.get("self_reference")
            else "generic"
        )
        code = g.get("code")
        # "الغرب", "المجتمع الدولي": never "of" a country, so no neighbouring name gives them one.
        form = "fixed" if kind == "generic" and g.get("takes_country") is False else "adj"
        if kind == "group" and g.get("of_people"):
            form = "people"  # "الزعيمان": the leaders just named
        for surface in g.get("ar") or []:
            b.add(surface, Entry(kind, str(g["id"]), code, g.get("sector"), form=form))


def common_words() -> frozenset[str]:
    """Normalised common words that never stand alone for a person (``data/common_words.txt``)."""
    path = resources.files("marsad.kb").joinpath("data", "common_words.txt")
    lines = path.read_text("utf-8").splitlines() if path.is_file() else []
    return frozenset(normalize_text(w) for w in lines if w.strip() and not w.startswith("#"))


def _add_people(b: Compiled, kb: KBData) -> None:
    stop = common_words()
    for p in kb.people:
        for form in p.ar:
            b.add(form, Entry("person", p.id, name=p.name, form="name"))
        for form in p.short:
            if normalize_text(form) not in stop:
                b.add(form, Entry("person", p.id, name=p.name, form="short"))
        for form in p.surname:
            if normalize_text(form) not in stop:
                b.add(form, Entry("person", p.id, name=p.name, form="surname"))


@cache
def compiled() -> Compiled:
    """The KB automaton, built once per process."""
    kb = load_kb()
    builder: Compiled = PhraseMatcher()
    for add in (_add_countries, _add_orgs, _add_roles, _add_generic, _add_people):
        add(builder, kb)
    return builder.compile()
