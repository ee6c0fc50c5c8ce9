"""Names → ids, the way a person reads them, over the distinct values of a file (never row by row).

Keys are computed in Python (registry.places) over the distinct cells, registered as small Arrow tables, and
matched in SQL. Each step leaves one temp table:

* reg_k (line, …keys): every row's keys (supporter, province code, city, county, county code, school, tier);
* reg_d_place (place_id → adcode | err, candidates): the county, by full name, short name or adcode, narrowed by
  the province and the city columns; an ambiguous name without them is rejected naming the candidates;
* reg_d_party (skey → party): the supporting party by name or alias;
* reg_d_school (adcode, school_fold → school_id | new | near-duplicate): a school in its county.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from assistance.registry import places
from assistance.store.transaction import registered


def key_table(cur: duckdb.DuckDBPyConnection, name: str, source: str, keys: dict[str, dict[str, Callable]]) -> None:
    """A temp table `name(field, value, k1, k2)` holding, for each field of `keys`, its distinct values in
    `source` (a SELECT naming those fields) and up to two key functions' results (as text)."""
    table = cur.sql(source).to_arrow_table()
    fields, values, first, second = [], [], [], []
    for field_name, functions in keys.items():
        distinct = [v for v in pc.unique(table[field_name]).to_pylist() if v is not None]
        found = [[f(v) for v in distinct] for f in functions.values()]
        fields += [field_name] * len(distinct)
        values += distinct
        first += found[0] if found else [None] * len(distinct)
        second += found[1] if len(found) > 1 else [None] * len(distinct)
    keyed = pa.table(
        {
            "field": pa.array(fields, pa.string()),
            "value": pa.array(values, pa.string()),
            "k1": pa.array(first, pa.string()),
            "k2": pa.array(second, pa.string()),
        }
    )
    with registered(cur, f"{name}_in", keyed):
        cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_in")


def _province_lookup(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for code, name_zh, short_zh, name_en in cur.execute(
        "SELECT code, name_zh, short_zh, name_en FROM provinces ORDER BY code"
    ).fetchall():
        for key in places.province_keys(code, name_zh, short_zh, name_en):
            lookup.setdefault(key, code)
    return lookup


def _county_code(value: str) -> str | None:
    text = places.fold(value)
    return text if len(text) == 6 and text.isdigit() else None


def county_keys(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_counties(adcode, full_key, short_key, city_key, province_code, label_zh, label_en): every county."""
    rows = cur.execute(
        "SELECT c.adcode, c.name_zh, coalesce(c.city_zh, ''), c.province_code, coalesce(p.name_zh, '') "
        "FROM counties c LEFT JOIN provinces p ON p.code = c.province_code ORDER BY c.adcode"
    ).fetchall()
    with registered(cur, "reg_counties_in", _county_key_table(tuple(rows))):
        cur.execute("CREATE OR REPLACE TEMP TABLE reg_counties AS SELECT * FROM reg_counties_in")


@functools.lru_cache(maxsize=4)
def _county_key_table(rows: tuple[tuple[str, str, str, str, str], ...]) -> pa.Table:
    """The keys of every county (the same reference rows give the same table: computed once per process)."""
    labels_zh, labels_en = [], []
    for adcode, name, city, _code, province in rows:
        where = province + (city if city and city not in (province, name) else "")
        labels_zh.append(f"{name}（{where}，{adcode}）")
        labels_en.append(f"{name} ({where}, {adcode})")
    return pa.table(
        {
            "adcode": [r[0] for r in rows],
            "full_key": [places.fold(r[1]) for r in rows],
            "short_key": [places.county_short(r[1]) for r in rows],
            "city_key": [places.city_key(r[2]) if r[2] else None for r in rows],
            "province_code": [r[3] for r in rows],
            "label_zh": labels_zh,
            "label_en": labels_en,
        }
    )


def row_keys(cur: duckdb.DuckDBPyConnection, fields: Iterable[str]) -> None:
    """reg_k(line, skey, p_code, p_bad, city_key, full_key, short_key, code_key, code_bad, code_given, school_fold,
    school_near, short_fold, tier_code, tier_bad, place_id): every row's keys (NULL where its cell is empty). A
    6-digit county cell is an adcode (code_key), like the county code column's."""
    del fields  # every field is a column of reg_cells (NULL where the file lacks it)
    provinces = _province_lookup(cur)
    key_table(
        cur, "reg_keys",
        "SELECT supporter, coalesce(province_code, province) AS province, city, county, county_code, school, "
        "school_short, tier FROM reg_cells",
        {
            "supporter": {"skey": places.fold},
            "province": {"code": lambda v: provinces.get(places.fold(v)) or provinces.get(places.province_short(v))},
            "city": {"key": places.city_key},
            "county": {"full": places.fold, "short": places.county_short},
            "county_code": {"code": _county_code},
            "school": {"fold": places.fold, "near": places.school_key},
            "school_short": {"fold": places.fold},
            "tier": {"code": places.tier_of},
        },
    )  # fmt: skip
    cur.execute(
        """CREATE TEMP TABLE reg_k AS
        SELECT *, dense_rank() OVER (
                ORDER BY p_code, p_bad, city_key, full_key, short_key, code_key, code_bad, code_given) AS place_id
        FROM (
            SELECT c.line, ks.k1 AS skey,
                kp.k1 AS p_code, coalesce(c.province_code, c.province) IS NOT NULL AND kp.k1 IS NULL AS p_bad,
                kc.k1 AS city_key,
                CASE WHEN NOT regexp_full_match(kk.k1, '\\d{6}') THEN kk.k1 END AS full_key,
                CASE WHEN NOT regexp_full_match(kk.k1, '\\d{6}') THEN kk.k2 END AS short_key,
                coalesce(kd.k1, CASE WHEN regexp_full_match(kk.k1, '\\d{6}') THEN kk.k1 END) AS code_key,
                c.county_code IS NOT NULL AND kd.k1 IS NULL AS code_bad, c.county_code IS NOT NULL AS code_given,
                ksc.k1 AS school_fold, ksc.k2 AS school_near, kh.k1 AS short_fold,
                coalesce(kt.k1, CASE WHEN c.tier IS NULL THEN 'national' END) AS tier_code,
                c.tier IS NOT NULL AND kt.k1 IS NULL AS tier_bad
            FROM reg_cells c
            LEFT JOIN reg_keys ks ON ks.field = 'supporter' AND ks.value = c.supporter
            LEFT JOIN reg_keys kp ON kp.field = 'province' AND kp.value = coalesce(c.province_code, c.province)
            LEFT JOIN reg_keys kc ON kc.field = 'city' AND kc.value = c.city
            LEFT JOIN reg_keys kk ON kk.field = 'county' AND kk.value = c.county
            LEFT JOIN reg_keys kd ON kd.field = 'county_code' AND kd.value = c.county_code
            LEFT JOIN reg_keys ksc ON ksc.field = 'school' AND ksc.value = c.school
            LEFT JOIN reg_keys kh ON kh.field = 'school_short' AND kh.value = c.school_short
            LEFT JOIN reg_keys kt ON kt.field = 'tier' AND kt.value = c.tier
            WHERE NOT c.blank AND NOT c.total)"""
    )


def resolve_places(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_d_place(place_id, adcode, err, err_field, cz, ce): each distinct place of the file resolved to one
    county, or why not. The county column is matched by adcode, full name or short name (青龙 → 青龙满族自治县);
    the province narrows strictly (新疆 also finds the Corps cities); the city narrows when it fits any candidate;
    the best match level (adcode, full name, short name) decides."""
    county_keys(cur)
    cur.execute(
        """CREATE TEMP TABLE reg_d_place AS
        WITH p AS (
            SELECT DISTINCT place_id, p_code, p_bad, city_key, full_key, short_key, code_key, code_bad, code_given
            FROM reg_k),
        hit AS (
            SELECT p.place_id, c.adcode, 3 AS level FROM p JOIN reg_counties c ON c.adcode = p.code_key
            UNION ALL
            SELECT p.place_id, c.adcode, 2 FROM p JOIN reg_counties c ON c.full_key = p.full_key
            WHERE p.code_key IS NULL
            UNION ALL
            SELECT p.place_id, c.adcode, 1 FROM p JOIN reg_counties c ON c.short_key = p.short_key
            WHERE p.code_key IS NULL),
        cand AS (
            SELECT h.place_id, h.adcode, c.label_zh, c.label_en, h.level,
                (p.p_code IS NULL OR c.province_code = p.p_code
                    OR (p.p_code = '650000' AND c.province_code = '660000')) AS in_province,
                (p.city_key IS NOT NULL AND c.city_key = p.city_key) AS in_city,
                (p.full_key IS NULL OR c.full_key = p.full_key OR c.short_key = p.short_key) AS name_fits
            FROM (SELECT place_id, adcode, max(level) AS level FROM hit GROUP BY ALL) h
            JOIN p USING (place_id) JOIN reg_counties c ON c.adcode = h.adcode),
        everywhere AS (
            SELECT place_id, list_sort(list(label_zh)) AS cz, list_sort(list(label_en)) AS ce
            FROM cand GROUP BY place_id),
        in_province AS (
            SELECT *, bool_or(in_city) OVER (PARTITION BY place_id) AS any_city FROM cand WHERE in_province),
        narrowed AS (
            SELECT *, max(level) OVER (PARTITION BY place_id) AS top FROM in_province WHERE in_city OR NOT any_city),
        best AS (
            SELECT place_id, count(*) AS n, min(adcode) AS adcode, bool_and(name_fits) AS name_fits,
                list_sort(list(label_zh)) AS cz, list_sort(list(label_en)) AS ce
            FROM narrowed WHERE level = top GROUP BY place_id),
        judged AS (
            SELECT p.place_id, p.code_given, b.n, b.adcode, CASE
                WHEN p.p_bad THEN 'province_unknown'
                WHEN p.code_bad THEN 'county_code_unknown'
                WHEN p.full_key IS NULL AND p.code_key IS NULL THEN 'required'
                WHEN e.place_id IS NULL AND p.code_key IS NOT NULL THEN 'county_code_unknown'
                WHEN e.place_id IS NULL THEN 'county_unknown'
                WHEN b.place_id IS NULL THEN 'county_not_in_province'
                WHEN b.n > 1 THEN 'county_ambiguous'
                WHEN NOT b.name_fits THEN 'county_code_mismatch'
            END AS err, e.cz AS all_zh, e.ce AS all_en, b.cz, b.ce
            FROM p LEFT JOIN everywhere e USING (place_id) LEFT JOIN best b USING (place_id))
        SELECT place_id, CASE WHEN err IS NULL THEN adcode END AS adcode, err,
            CASE WHEN err = 'province_unknown' THEN 'province'
                 WHEN err IN ('county_code_unknown', 'county_code_mismatch') AND code_given THEN 'county_code'
                 ELSE 'county' END AS err_field,
            CASE err WHEN 'county_ambiguous' THEN cz WHEN 'county_not_in_province' THEN all_zh
                     WHEN 'county_code_mismatch' THEN cz END AS cz,
            CASE err WHEN 'county_ambiguous' THEN ce WHEN 'county_not_in_province' THEN all_en
                     WHEN 'county_code_mismatch' THEN ce END AS ce
        FROM judged"""
    )


def resolve_parties(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_d_party(skey, party_id, national, name, kind): each distinct supporter name by name or alias."""
    cur.execute(
        """CREATE TEMP TABLE reg_d_party AS
        SELECT k.skey, u.university_id AS party_id, u.national, u.name_zh AS name, u.kind
        FROM (SELECT DISTINCT skey FROM reg_k WHERE skey IS NOT NULL) k
        LEFT JOIN (SELECT alias, min(university_id) AS university_id FROM university_aliases GROUP BY alias) a
            ON a.alias = k.skey
        LEFT JOIN universities u ON u.university_id = a.university_id"""
    )


def similar_names(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The existing names close to `name`: the same loose key (registry.places.party_key), or very similar text."""
    key = places.party_key(name)
    letters = set(name)
    # Only names sharing most of their characters can be close: a set test before difflib's slower ratio.
    pool = [c for c in candidates if len(letters & set(c)) >= 0.6 * min(len(letters), len(set(c)))]
    same = [c for c in pool if places.party_key(c) == key and c != name]
    close = difflib.get_close_matches(name, pool, n=limit, cutoff=0.75)
    found = []
    for candidate in [*same, *close]:
        if candidate != name and candidate not in found:
            found.append(candidate)
    return found[:limit]


def resolve_schools(cur: duckdb.DuckDBPyConnection) -> None:
    """reg_d_school(adcode, school_fold, school_id, near_zh, first_line, first_name): each distinct school of a
    resolved county: an existing school (its name or an alias, in that county), a near-duplicate of one
    (same name ignoring 县/市/第/省/附属 and spaces: "did you mean"), or a new school (the first line naming it;
    a second spelling with the same near key in the same file is a near-duplicate of the first)."""
    rows = cur.execute(
        """SELECT DISTINCT s.school_id, s.name_zh, s.county_adcode, a.alias
        FROM schools s LEFT JOIN school_aliases a ON a.school_id = s.school_id
        WHERE s.county_adcode IN (SELECT DISTINCT d.adcode FROM reg_k k JOIN reg_d_place d USING (place_id)
                                  WHERE d.adcode IS NOT NULL)"""
    ).fetchall()
    names = {}
    for school_id, name, adcode, alias in rows:
        names[(school_id, places.fold(name))] = (school_id, name, adcode, places.school_key(name))
        if alias:
            names[(school_id, alias)] = (school_id, name, adcode, places.school_key(alias))
    known = pa.table(
        {
            "school_id": pa.array([v[0] for v in names.values()], pa.int32()),
            "name_zh": pa.array([v[1] for v in names.values()], pa.string()),
            "adcode": pa.array([v[2] for v in names.values()], pa.string()),
            "alias": pa.array([k[1] for k in names], pa.string()),
            "near": pa.array([v[3] for v in names.values()], pa.string()),
        }
    )
    with registered(cur, "reg_known_schools", known):
        cur.execute(
            """CREATE TEMP TABLE reg_d_school AS
            WITH wanted AS (
                SELECT d.adcode, k.school_fold, k.school_near, min(k.line) AS first_line,
                    arg_min(c.school_raw, k.line) AS first_name
                FROM reg_k k JOIN reg_d_place d USING (place_id) JOIN reg_cells c USING (line)
                WHERE d.adcode IS NOT NULL AND k.school_fold IS NOT NULL GROUP BY ALL),
            exact AS (
                SELECT w.adcode, w.school_fold, min(s.school_id) AS school_id
                FROM wanted w JOIN reg_known_schools s ON s.adcode = w.adcode AND s.alias = w.school_fold
                GROUP BY ALL),
            near AS (
                SELECT w.adcode, w.school_fold, list_sort(list(DISTINCT s.name_zh)) AS names
                FROM wanted w JOIN reg_known_schools s ON s.adcode = w.adcode AND s.near = w.school_near
                GROUP BY ALL),
            fresh AS (
                SELECT w.*, min_by(w.school_fold, w.first_line) OVER (PARTITION BY w.adcode, w.school_near)
                    AS near_first_fold,
                    min_by(w.first_name, w.first_line) OVER (PARTITION BY w.adcode, w.school_near) AS near_first_name,
                    min(w.first_line) OVER (PARTITION BY w.adcode, w.school_near) AS near_first_line
                FROM wanted w ANTI JOIN exact e ON e.adcode = w.adcode AND e.school_fold = w.school_fold
                ANTI JOIN near n ON n.adcode = w.adcode AND n.school_fold = w.school_fold)
            SELECT w.adcode, w.school_fold, e.school_id, w.first_line, w.first_name,
                CASE WHEN e.school_id IS NULL AND n.names IS NOT NULL THEN n.names
                     WHEN f.near_first_fold <> w.school_fold
                         THEN [f.near_first_name || '（' || f.near_first_line || '）'] END AS near_zh,
                CASE WHEN e.school_id IS NULL AND n.names IS NOT NULL THEN n.names
                     WHEN f.near_first_fold <> w.school_fold
                         THEN [f.near_first_name || ' (line ' || f.near_first_line || ')'] END AS near_en
            FROM wanted w
            LEFT JOIN exact e ON e.adcode = w.adcode AND e.school_fold = w.school_fold
            LEFT JOIN near n ON n.adcode = w.adcode AND n.school_fold = w.school_fold
            LEFT JOIN fresh f ON f.adcode = w.adcode AND f.school_fold = w.school_fold"""
        )
