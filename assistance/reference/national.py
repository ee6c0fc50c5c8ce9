"""A national-scale demo (issue 14): the normal demo database grown to thousands of pairings and millions of
activities, for trying the app at the size of the programme and for the benchmarks.

`extend` takes a database that `bootstrap.initialise` has just built (reference data, the 115 national pairings
and their demo history) and adds, in one transaction:

- provincial and municipal supporting parties, invented but plausible and marked 示例: provincial universities
  (“甘肃师范学院（示例）”, in the province's capital) and city high schools (“定西市第一中学（示例）”, in their city);
- one new school per new pairing, named “<county>示例高级中学” (“…示例第二高级中学” for a county's second), in the
  real county-level units (县, 县级市, 旗; no urban districts) of the 23 programme provinces and the Corps;
- the pairings: provincial ones (a provincial university and a school of its province, three-year agreements, most
  re-signed for a second cycle, some ended) and municipal ones (a city high school and a school of its city);
- each new pairing's 一校一策 plan targets per school year and measure (as reference.sample does);
- activities until the database holds exactly the number asked for, spread over the new pairings by their
  reporting style (most steady, some gone quiet 95–420 days ago, a few almost silent), by term time and holidays.

Every pairing, plan target and activity it adds has provenance 'demo' (the 29 verified national pairings keep
theirs; their activities are demo as in every demo database). Everything is drawn from one seeded numpy
generator and written by bulk inserts of Arrow tables, never row by row: the same seed, sizes and `today` give
the same rows, ids included.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from assistance.reference.codes import CORPS_CODE, PROGRAMME_START
from assistance.reference.loader import normalise_name
from assistance.reference.sample import CAMP_MONTHS, PROFILES, SUBJECTS, TERM_MONTHS, school_year_of
from assistance.store.db import title_key_sql
from assistance.store.transaction import registered, transaction

SEED = 20250901
DEMO_MARK = "（示例）"
PROVINCIAL_SHARE = 0.45  # of the new pairings; the rest are municipal
# Provincial supporting universities: (name after the province's short name, English), as many as a province needs.
PROVINCIAL_KINDS = (
    ("师范学院", "Normal College"),
    ("理工学院", "Institute of Technology"),
    ("文理学院", "College of Arts and Sciences"),
    ("教育学院", "College of Education"),
    ("科技学院", "College of Science and Technology"),
    ("第二师范学院", "Second Normal College"),
    ("民族师范学院", "Normal College for Nationalities"),
    ("职业技术师范学院", "Vocational and Technical Normal College"),
)
PAIRINGS_PER_UNIVERSITY = 6  # a provincial university supports about this many schools
PAIRINGS_PER_CITY_SCHOOL = 3  # a city high school, about this many
ORDINALS = "一二三四五六七八九十"
AGREEMENT_YEARS = 3
_EPOCH_MONTH = np.datetime64(PROGRAMME_START.strftime("%Y-%m"), "M")  # month index 0

Progress = Callable[[str], None]


def _silent(_message: str) -> None:
    return None


@dataclass
class NationalReport:
    pairings: dict[str, int] = field(default_factory=dict)  # by tier, after the build
    parties: int = 0
    schools: int = 0
    plan_targets: int = 0
    activities: int = 0  # in the database after the build (exactly the number asked for)
    added_activities: int = 0
    problems: int = 0  # of the new pairings (cli.demo adds them, with their cases, after the outcomes they cite)
    cases: int = 0


def _ordinal(n: int) -> str:
    """1 → 一 … 10 → 十, then digits."""
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else str(n)


def _months(day: date) -> int:
    """The month index of `day` (0 = the programme's first month, September 2022)."""
    return (day.year - PROGRAMME_START.year) * 12 + day.month - PROGRAMME_START.month


def _days(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[D]")


# ---------------------------------------------------------------------------------------------------------------
# Places


def programme_counties(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The county-level units a county high school sits in: 县, 县级市, 旗 (and the Corps cities) of the programme
    provinces, with each unit's prefecture (the province capital for units a province governs directly)."""
    return con.execute(
        """WITH units AS (
            SELECT c.adcode, c.name_zh, c.city_zh, c.province_code, p.short_zh, p.name_en AS province_en
            FROM counties c JOIN provinces p ON p.code = c.province_code
            WHERE p.in_programme AND (c.province_code = ? OR regexp_matches(c.name_zh, '(县|市|旗)$'))),
        capital AS (  -- a province's capital: its first prefecture (adcode XX01..), else its first unit
            SELECT province_code, arg_min(city_zh, (substr(adcode, 3, 2) <> '01', adcode)) AS capital
            FROM counties GROUP BY province_code)
        SELECT u.*, CASE WHEN regexp_matches(u.city_zh, '(市|州|盟|地区)$') THEN u.city_zh ELSE k.capital END
            AS prefecture, k.capital
        FROM units u JOIN capital k USING (province_code)
        ORDER BY u.adcode""",
        [CORPS_CODE],
    ).df()


def _city_seats(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(province_code, city_zh) → the adcode, lon and lat of its first county-level unit."""
    return con.execute(
        """SELECT province_code, city_zh, arg_min(adcode, adcode) AS seat, arg_min(lon, adcode) AS lon,
            arg_min(lat, adcode) AS lat FROM counties GROUP BY ALL"""
    ).df()


# ---------------------------------------------------------------------------------------------------------------
# The registry: parties, schools, pairings


def _plan_registry(
    rng: np.random.Generator, con: duckdb.DuckDBPyConnection, count: int, today: date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The new parties, schools and pairings (ids assigned after the existing ones)."""
    units = programme_counties(con)
    seats = _city_seats(con).set_index(["province_code", "city_zh"])
    order = rng.permutation(len(units))
    picked = units.iloc[order[np.arange(count) % len(units)]].reset_index(drop=True)
    number = np.arange(count) // len(units) + 1  # a county's first, second, … new school
    school_names = [
        f"{county}示例高级中学" if n == 1 else f"{county}示例第{_ordinal(n)}高级中学"
        for county, n in zip(picked["name_zh"], number, strict=True)
    ]
    tiers = np.where(rng.random(count) < PROVINCIAL_SHARE, "provincial", "municipal")

    # Supporting parties: per province (provincial) or prefecture (municipal), one party per few pairings, the
    # pairings dealt to them in turn.
    group = np.where(
        tiers == "provincial", picked["province_code"], picked["province_code"] + "|" + picked["prefecture"]
    )
    frame = pd.DataFrame({"tier": tiers, "group": group})
    rank = frame.groupby(["tier", "group"]).cumcount().to_numpy()
    size = frame.groupby(["tier", "group"])["tier"].transform("size").to_numpy()
    per = np.where(tiers == "provincial", PAIRINGS_PER_UNIVERSITY, PAIRINGS_PER_CITY_SCHOOL)
    limit = np.where(tiers == "provincial", len(PROVINCIAL_KINDS), len(ORDINALS))
    parties_in_group = np.minimum(limit, np.maximum(1, np.ceil(size / per).astype(int)))
    party_no = rank % parties_in_group + 1
    names, names_en, cities, seat_keys = [], [], [], []
    for tier, n, row in zip(tiers, party_no, picked.itertuples(index=False), strict=True):
        if tier == "provincial":
            kind_zh, kind_en = PROVINCIAL_KINDS[n - 1]
            names.append(f"{row.short_zh}{kind_zh}{DEMO_MARK}")
            names_en.append(f"{row.province_en} {kind_en} (demo)")
            cities.append(row.capital)
        else:
            names.append(f"{row.prefecture}第{_ordinal(n)}中学{DEMO_MARK}")
            names_en.append(names[-1])  # as a registry import names a new party: no English name known
            cities.append(row.prefecture)
        seat_keys.append((row.province_code, cities[-1]))
    seat = seats.reindex(seat_keys)
    pairing_rows = pd.DataFrame(
        {
            "party": names,
            "party_en": names_en,
            "kind": np.where(tiers == "provincial", "university", "high_school"),
            "party_city": cities,
            "party_adcode": seat["seat"].to_numpy(),
            "party_lon": seat["lon"].to_numpy(),
            "party_lat": seat["lat"].to_numpy(),
            "school": school_names,
            "adcode": picked["adcode"],
            "tier": tiers,
        }
    )

    first_party = con.execute("SELECT coalesce(max(university_id), 0) + 1 FROM universities").fetchall()[0][0]
    parties = pairing_rows.drop_duplicates("party")[
        ["party", "party_en", "kind", "party_city", "party_adcode", "party_lon", "party_lat"]
    ].reset_index(drop=True)
    parties.insert(0, "university_id", np.arange(first_party, first_party + len(parties)))
    parties["alias"] = [normalise_name(name) for name in parties["party"]]

    first_school = con.execute(
        "SELECT coalesce(max(school_id), 0) + 1 FROM (SELECT school_id FROM schools UNION ALL "
        "SELECT school_id FROM archived_schools)"
    ).fetchall()[0][0]
    schools = pairing_rows[["school", "adcode"]].copy()
    schools.insert(0, "school_id", np.arange(first_school, first_school + count))
    schools["alias"] = [normalise_name(name) for name in schools["school"]]

    first_pairing = con.execute(
        "SELECT coalesce(max(pairing_id), 0) + 1 FROM (SELECT pairing_id FROM pairings UNION ALL "
        "SELECT pairing_id FROM archived_pairings)"
    ).fetchall()[0][0]
    pairings = _agreements(rng, tiers, today)
    pairings.insert(0, "pairing_id", np.arange(first_pairing, first_pairing + count))
    pairings["university_id"] = pairing_rows["party"].map(parties.set_index("party")["university_id"]).to_numpy()
    pairings["school_id"] = schools["school_id"].to_numpy()
    pairings["tier"] = tiers
    return parties, schools, pairings


def _agreements(rng: np.random.Generator, tiers: np.ndarray, today: date) -> pd.DataFrame:
    """Start, end and cycle of each new pairing. Provincial agreements run three years from 1 September 2023 or
    2024; when the first has run out, three in four were re-signed (cycle 2), the rest ended. Municipal ones
    started in 2024 or 2025 with no end set. No agreement starts after `today`'s school year."""
    count = len(tiers)
    provincial = tiers == "provincial"
    start_year = np.where(provincial, 2023, 2024) + (rng.random(count) < 0.4)
    start_year = np.minimum(start_year, school_year_of(today))
    start = _days(np.array([f"{y}-09-01" for y in start_year], dtype="datetime64[D]"))
    first_end = np.array([f"{y + AGREEMENT_YEARS}-08-31" for y in start_year], dtype="datetime64[D]")
    run_out = first_end < np.datetime64(today)
    renewed = run_out & (rng.random(count) < 0.75)
    second_end = np.array([f"{y + 2 * AGREEMENT_YEARS}-08-31" for y in start_year], dtype="datetime64[D]")
    end = np.where(renewed, second_end, first_end)
    end = np.where(provincial, end, np.datetime64("NaT"))
    cycle = np.where(provincial & renewed, 2, 1)
    return pd.DataFrame({"start_date": start, "end_date": end, "cycle": cycle.astype(np.int32)})


# ---------------------------------------------------------------------------------------------------------------
# Reporting styles, plans and activities


def _reporting(rng: np.random.Generator, pairings: pd.DataFrame, today: date) -> pd.DataFrame:
    """Each new pairing's active window (first and last day it reports), intensity and weight in the log."""
    count = len(pairings)
    start = pairings["start_date"].to_numpy().astype("datetime64[D]")
    end = pairings["end_date"].to_numpy().astype("datetime64[D]")
    last = np.where(np.isnat(end) | (end > np.datetime64(today)), np.datetime64(today), end)
    draw = rng.random(count)
    quiet_for = rng.integers(95, 421, count).astype("timedelta64[D]")
    lapsed = (draw >= 0.08) & (draw < 0.23) & (last - quiet_for > start + np.timedelta64(60, "D"))
    last = np.where(lapsed, last - quiet_for, last)
    rare = draw < 0.08
    intensity = np.exp(rng.normal(0, 0.35, count))
    first_month = np.array([_months(date.fromisoformat(str(d))) for d in start])
    last_month = np.array([_months(date.fromisoformat(str(d))) for d in last])
    months = last_month - first_month + 1
    weight = intensity * months * np.where(rare, 0.01, 1.0)
    return pd.DataFrame(
        {
            "first": start,
            "last": last,
            "first_month": first_month,
            "last_month": last_month,
            "intensity": intensity,
            "weight": weight,
        }
    )


_SHARES = np.array([p.per_year for p in PROFILES]) / sum(p.per_year for p in PROFILES)


def _plans(
    rng: np.random.Generator, pairings: pd.DataFrame, style: pd.DataFrame, per_month: float, today: date
) -> pd.DataFrame:
    """Plan targets per pairing × school year (from its start to its last agreed year up to today) × measure: the
    pairing's expected yearly count of that measure, ±30%."""
    first_year = pairings["start_date"].dt.year.to_numpy()
    end = pairings["end_date"]
    today_year = school_year_of(today)
    last_year = np.where(end.isna(), today_year, np.minimum(today_year, end.dt.year.fillna(0).to_numpy() - 1))
    years = (np.maximum(last_year, first_year) - first_year + 1).astype(np.int64)
    measures = len(PROFILES)
    rows = np.repeat(np.arange(len(pairings)), years * measures)
    year_offset = np.concatenate([np.repeat(np.arange(n), measures) for n in years]) if len(years) else np.array([])
    measure = np.tile(np.arange(measures), int(years.sum()))
    expected = per_month * 12 * style["intensity"].to_numpy()[rows] * _SHARES[measure]
    target = np.maximum(0, np.rint(expected * rng.uniform(0.7, 1.3, len(rows)))).astype(np.int32)
    return pd.DataFrame(
        {
            "pairing_id": pairings["pairing_id"].to_numpy()[rows],
            "school_year": (first_year[rows] + year_offset).astype(np.int32),
            "measure": np.array([p.code for p in PROFILES])[measure],
            "target": target,
        }
    )


def _title_bases() -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray]:
    """Every title a template can give: (template offsets per measure, template counts per measure, titles, the
    index of each title's first equal in `titles`), the title of template j, subject s and calendar month m at index
    (j * len(SUBJECTS) + s) * 12 + m - 1. Titles are equal when their natural keys are (a template without
    {subject} gives the same title for every subject)."""
    counts = np.array([len(p.titles) for p in PROFILES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    titles = []
    for profile in PROFILES:
        for template in profile.titles:
            for subject in SUBJECTS:
                for month in range(1, 13):
                    season = "秋季" if month >= 8 or month <= 1 else "春季"
                    if profile.camp:
                        season = "寒" if month <= 2 else "暑"
                    titles.append(template.format(subject=subject, season=season, month=month))
    keys = [" ".join(unicodedata.normalize("NFKC", title).split()).lower() for title in titles]
    first: dict[str, int] = {}
    canonical = np.array([first.setdefault(key, index) for index, key in enumerate(keys)])
    return offsets, counts, titles, canonical


def _activities(
    rng: np.random.Generator, pairings: pd.DataFrame, style: pd.DataFrame, total: int, first_id: int
) -> pa.Table:
    """`total` activities over the new pairings, as an Arrow table in (pairing, date, title) order with ids
    `first_id`, `first_id` + 1, …; the natural key (pairing, date, measure, title) is unique. Titles are
    dictionary-encoded: a few thousand distinct ones, each also NFKC-folded (title_nfkc) as uploads fold them."""
    counts = rng.multinomial(total, style["weight"].to_numpy() / style["weight"].sum()) if total else np.zeros(0, int)
    row = np.repeat(np.arange(len(pairings)), counts)
    measure = rng.choice(len(PROFILES), size=total, p=_SHARES)

    # The month: term-time or holiday weights over the pairing's active months (inverse of the cumulative weight).
    span = int(style["last_month"].max()) + 1 if len(style) else 1
    calendar = (np.arange(span) + PROGRAMME_START.month - 1) % 12
    cum_term = np.concatenate([[0.0], np.cumsum(TERM_MONTHS[calendar])])
    cum_camp = np.concatenate([[0.0], np.cumsum(CAMP_MONTHS[calendar])])
    lo = style["first_month"].to_numpy()[row]
    hi = style["last_month"].to_numpy()[row]
    camp_mass = cum_camp[hi + 1] - cum_camp[lo]
    use_camp = np.isin(measure, [i for i, p in enumerate(PROFILES) if p.camp]) & (camp_mass > 0)
    low = np.where(use_camp, cum_camp[lo], cum_term[lo])
    mass = np.where(use_camp, camp_mass, cum_term[hi + 1] - cum_term[lo])
    point = low + rng.random(total) * mass
    month = np.where(
        use_camp,
        np.searchsorted(cum_camp, point, side="right") - 1,
        np.searchsorted(cum_term, point, side="right") - 1,
    )
    month = np.clip(month, lo, hi)

    # The day: uniform in the month, up to the pairing's last day.
    month_start = _days(_EPOCH_MONTH + month.astype("timedelta64[M]"))
    month_end = _days(_EPOCH_MONTH + (month + 1).astype("timedelta64[M]")) - np.timedelta64(1, "D")
    last_day = np.minimum(month_end, style["last"].to_numpy().astype("datetime64[D]")[row])
    first_day = np.maximum(month_start, style["first"].to_numpy().astype("datetime64[D]")[row])
    width = (last_day - first_day).astype(np.int64) + 1
    day = first_day + np.floor(rng.random(total) * width).astype("timedelta64[D]")

    # The title: a template of the measure, a subject, the month; numbered （2）, （3）… when the same pairing has
    # the same title the same day, so the natural key is unique.
    offsets, template_counts, bases, canonical = _title_bases()
    template = offsets[measure] + np.floor(rng.random(total) * template_counts[measure]).astype(np.int64)
    subject = rng.integers(0, len(SUBJECTS), total)
    calendar_month = (month + PROGRAMME_START.month - 1) % 12
    base = canonical[(template * len(SUBJECTS) + subject) * 12 + calendar_month]
    pairing_id = pairings["pairing_id"].to_numpy()[row]
    day_number = day.astype(np.int64)
    order = np.lexsort((base, day_number, pairing_id))
    pairing_id, day, day_number, base, measure, row = (
        pairing_id[order], day[order], day_number[order], base[order], measure[order], row[order]
    )  # fmt: skip
    index = np.arange(total)
    new_run = np.ones(total, bool)
    new_run[1:] = (np.diff(pairing_id) != 0) | (np.diff(day_number) != 0) | (np.diff(base) != 0)
    repeat = index - np.maximum.accumulate(np.where(new_run, index, 0)) + 1
    variant, title_index = np.unique(base * (repeat.max(initial=1) + 1) + repeat, return_inverse=True)
    variant_base, variant_repeat = np.divmod(variant, repeat.max(initial=1) + 1)
    titles = [bases[b] if r == 1 else f"{bases[b]}（{r}）" for b, r in zip(variant_base, variant_repeat, strict=True)]

    # The figures, from each measure's ranges.
    def draw(ranges: list[tuple[float, float]], integer: bool) -> np.ndarray:
        low, high = (np.array([r[i] for r in ranges])[measure] for i in (0, 1))
        if integer:
            return (low + np.floor(rng.random(total) * (high - low + 1))).astype(np.int32)
        return np.round((low + rng.random(total) * (high - low)) * 2) / 2

    teachers = draw([p.teachers for p in PROFILES], True)
    students = draw([p.students for p in PROFILES], True)
    hours = draw([p.hours for p in PROFILES], False)
    online = np.array(["线上" in title for title in titles])[title_index]
    dictionary = pa.array(titles, pa.string())
    return pa.table(
        {
            "activity_id": pa.array(first_id + index, pa.int64()),
            "pairing_id": pa.array(pairing_id, pa.int32()),
            "date": pa.array(day, pa.date32()),
            "measure": pa.DictionaryArray.from_arrays(
                pa.array(measure, pa.int32()), pa.array([p.code for p in PROFILES])
            ),
            "title": pa.DictionaryArray.from_arrays(pa.array(title_index, pa.int32()), dictionary),
            "title_nfkc": pa.DictionaryArray.from_arrays(
                pa.array(title_index, pa.int32()), pa.array([unicodedata.normalize("NFKC", t) for t in titles])
            ),
            "teachers": pa.array(teachers, pa.int32()),
            "students": pa.array(students, pa.int32()),
            "hours": pa.array(hours, pa.float64()),
            "online": pa.array(online),
        }
    )


def _with_title_keys(cur: duckdb.DuckDBPyConnection, log: pa.Table) -> pa.Table:
    """The log with its natural-key titles (store.db.title_key_sql), computed once per distinct title rather than
    once per row: the dictionary of title_nfkc goes through the SQL, the row indices stay."""
    folded = log["title_nfkc"].combine_chunks()
    titles = pa.table({"n": pa.array(range(len(folded.dictionary)), pa.int64()), "title_nfkc": folded.dictionary})
    with registered(cur, "nat_titles", titles):
        keys = cur.sql(f"SELECT {title_key_sql('title_nfkc')} FROM nat_titles ORDER BY n").to_arrow_table()
    keyed = pa.DictionaryArray.from_arrays(folded.indices, keys.column(0).combine_chunks())
    return log.drop_columns(["title_nfkc"]).append_column("title_key", keyed)


# ---------------------------------------------------------------------------------------------------------------
# The build


def extend(
    con: duckdb.DuckDBPyConnection,
    pairings: int,
    activities: int,
    seed: int = SEED,
    today: date | None = None,
    progress: Progress = _silent,
) -> NationalReport:
    """Grow a freshly initialised demo database to `pairings` pairings and exactly `activities` activities (see the
    module's docstring), in one transaction. `progress` is called with the name of each step as it starts."""
    today = today or date.today()
    have_pairings, have_activities = con.execute(
        "SELECT (SELECT count(*) FROM pairings), (SELECT count(*) FROM activities)"
    ).fetchall()[0]
    if pairings < have_pairings:
        raise ValueError(f"--pairings {pairings}: the database already holds {have_pairings} national pairings")
    if activities < have_activities:
        raise ValueError(f"--activities {activities}: the national demo history alone has {have_activities}")
    new_count, extra = pairings - have_pairings, activities - have_activities
    if extra and not new_count:
        raise ValueError("extra activities need new pairings: ask for more pairings than the national ones")
    rng = np.random.default_rng(seed)

    progress("registry")
    parties, schools, new_pairings = _plan_registry(rng, con, new_count, today)
    style = _reporting(rng, new_pairings, today)
    per_month = extra / max(float(style["weight"].sum()), 1e-9)
    plans = _plans(rng, new_pairings, style, per_month, today)
    progress("activities")
    first_id = con.execute("SELECT max(nextval('seq_activity')) FROM range(?)", [max(extra, 1)]).fetchall()[0][0]
    first_id = first_id - max(extra, 1) + 1  # the sequence handed out first_id … first_id + extra - 1
    log = _activities(rng, new_pairings, style, extra, first_id)

    progress("insert")
    with transaction(con) as cur:
        with registered(cur, "nat_parties", parties):
            cur.execute(
                "INSERT INTO universities (university_id, name_zh, name_en, kind, city_zh, district_adcode, lon, lat, "
                "national) SELECT university_id, party, party_en, kind, party_city, party_adcode, party_lon, "
                "party_lat, false FROM nat_parties ORDER BY university_id"
            )
            cur.execute("INSERT INTO university_aliases SELECT alias, university_id FROM nat_parties")
        with registered(cur, "nat_schools", schools):
            cur.execute(
                "INSERT INTO schools (school_id, name_zh, county_adcode) "
                "SELECT school_id, school, adcode FROM nat_schools ORDER BY school_id"
            )
            cur.execute("INSERT INTO school_aliases (alias, school_id) SELECT alias, school_id FROM nat_schools")
        with registered(cur, "nat_pairings", new_pairings):
            cur.execute(
                "INSERT INTO pairings (pairing_id, university_id, school_id, tier, start_date, provenance, "
                "end_date, cycle) SELECT pairing_id, university_id, school_id, tier, CAST(start_date AS DATE), "
                "'demo', CAST(end_date AS DATE), cycle FROM nat_pairings ORDER BY pairing_id"
            )
        with registered(cur, "nat_plans", plans):
            cur.execute(
                "INSERT INTO plan_targets (pairing_id, school_year, measure, target, provenance) "
                "SELECT pairing_id, school_year, measure, target, 'demo' FROM nat_plans"
            )
        progress("insert_activities")
        log = _with_title_keys(cur, log)
        with registered(cur, "nat_activities", log):
            cur.execute(
                "INSERT INTO activities (activity_id, pairing_id, date, measure, title, title_key, teachers, "
                "students, hours, notes, provenance) SELECT activity_id, pairing_id, date, measure, title, title_key, "
                "teachers, students, hours, CASE WHEN online THEN '线上' END, 'demo' FROM nat_activities"
            )
    tiers = dict(con.execute("SELECT tier, count(*) FROM pairings GROUP BY tier ORDER BY tier").fetchall())
    return NationalReport(
        pairings=tiers,
        parties=len(parties),
        schools=len(schools),
        plan_targets=len(plans),
        activities=con.execute("SELECT count(*) FROM activities").fetchall()[0][0],
        added_activities=extra,
    )


def timed(progress: Callable[[float, str], None]) -> Progress:
    """A `Progress` that passes each step on with the seconds since it was made."""
    started = time.monotonic()
    return lambda step: progress(time.monotonic() - started, step)
