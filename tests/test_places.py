"""The shipped place table (``marsad/events/data/places.tsv``) and the locations read with it.

The table is hand-written, so these checks catch what an edit most easily breaks: a missing column, a
swapped latitude/longitude, a country code that is not in the knowledge base, a form listed for two
places (the matcher would then pick one silently).
"""

from __future__ import annotations

import csv
import io
from importlib import resources

from marsad.events.context import location_for
from marsad.text.normalize import normalize_text
from marsad.yaml_data import load_yaml


def _rows() -> list[dict[str, str]]:
    text = resources.files("marsad.events").joinpath("data/places.tsv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_places_table_parses() -> None:
    rows = _rows()
    assert len(rows) >= 180
    countries = load_yaml(
        resources.files("marsad.kb").joinpath("data", "countries.yaml").read_text("utf-8")
    )
    codes = {c["code"] for c in countries}
    owner: dict[str, str] = {}
    for row in rows:
        assert list(row) == ["name", "name_en", "country", "lat", "lon"], row
        assert row["country"] in codes, row
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, row
        assert len(row["lat"].split(".")[-1]) == 2 and len(row["lon"].split(".")[-1]) == 2, row
        for form in row["name"].split("|"):
            assert form and form == form.strip(), row
            key = normalize_text(form)
            assert owner.setdefault(key, row["name_en"]) == row["name_en"], (form, owner[key], row["name_en"])


def test_rough_geography() -> None:
    """Spot checks that would catch swapped coordinates: the Levant is north-east of Cairo, etc."""
    by_en = {r["name_en"]: (float(r["lat"]), float(r["lon"])) for r in _rows()}
    assert by_en["Riyadh"][0] < by_en["Damascus"][0] and by_en["Riyadh"][1] > by_en["Damascus"][1]
    assert by_en["Rabat"][1] < 0 < by_en["Tehran"][1]
    assert by_en["Canberra"][0] < 0 < by_en["Moscow"][0]


def test_location_for() -> None:
    riyadh = location_for("عقد الاجتماع في الرياض")
    assert riyadh is not None and riyadh["country"] == "SAU" and riyadh["name_en"] == "Riyadh"
    ankara = location_for("توقيع الاتفاق بالعاصمة التركية أنقرة")
    assert ankara is not None and ankara["country"] == "TUR"
    assert location_for("بالعاصمة التركية أنقرة")["country"] == "TUR"  # type: ignore[index]
    jerusalem = location_for("اقتحام في القدس المحتلة")
    assert jerusalem is not None and jerusalem["name_en"] == "Jerusalem"
    assert location_for("زار الرياض") is None  # no locative: a visit's object, not the event's place
