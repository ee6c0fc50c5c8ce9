"""Reference data: provinces, counties, measures, universities, schools and the national pairings.

Everything here is loaded from the committed CSVs under `data/`, so a fresh database is reproducible
and every verified pairing keeps the source it came with.
"""

from __future__ import annotations

import re
import unicodedata

import duckdb
import pandas as pd

from assistance.paths import DATA_DIR
from assistance.store.sortkeys import fill_sort_keys
from assistance.store.transaction import registered, transaction

_SPACES = re.compile(r"\s+")


def normalise_name(text: str) -> str:
    """Fold full-width forms, case and all whitespace so that names and aliases compare equal."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).lower()


def read_csv(name: str) -> pd.DataFrame:
    """Read a committed reference CSV with every column as text (adcodes must stay text)."""
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False)


def _university_aliases(universities: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for university_id, name_zh, name_en, aliases in universities[
        ["university_id", "name_zh", "name_en", "aliases"]
    ].itertuples(index=False):
        for alias in [name_zh, name_en, *aliases.split("|")]:
            if alias.strip():
                rows.append((normalise_name(alias), university_id))
    return pd.DataFrame(rows, columns=["alias", "university_id"]).drop_duplicates()


def load_reference(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Load the reference tables (provinces, counties, measures, the 49 national parties and their aliases) into an
    empty schema in one transaction; return row counts. The pairings come after, through the registry import."""
    provinces = read_csv("provinces.csv")
    provinces["in_programme"] = provinces["in_programme"] == "true"
    counties = read_csv("counties.csv")
    measures = read_csv("measures.csv")
    universities = read_csv("universities.csv")
    universities["university_id"] = range(1, len(universities) + 1)
    university_aliases = _university_aliases(universities)

    # Each table's rows and how they are inserted, in dependency order; registrations end with the cursor.
    inserts = (
        ("provinces", provinces, "SELECT code, name_zh, short_zh, name_en, region, in_programme FROM src"),
        ("counties", counties,
         "SELECT adcode, name_zh, city_zh, province_code, CAST(lon AS DOUBLE), CAST(lat AS DOUBLE) FROM src"),
        ("measures", measures, "SELECT code, label_zh, label_en, CAST(sort_order AS INTEGER) FROM src"),
        # A university's coordinates are those of its campus district's centroid; all 49 are national parties.
        ("universities (university_id, name_zh, name_en, kind, city_zh, district_adcode, lon, lat, national)",
         universities,
         "SELECT u.university_id, u.name_zh, u.name_en, u.kind, u.city_zh, u.district_adcode, c.lon, c.lat, true "
         "FROM src u LEFT JOIN counties c ON c.adcode = u.district_adcode"),
        ("university_aliases", university_aliases, "SELECT alias, university_id FROM src"),
    )  # fmt: skip
    with transaction(con) as cur:
        for table, frame, select in inserts:
            with registered(cur, "src", frame):
                cur.execute(f"INSERT INTO {table} {select}")
        fill_sort_keys(cur)
    return {
        "provinces": len(provinces),
        "counties": len(counties),
        "measures": len(measures),
        "universities": len(universities),
    }
