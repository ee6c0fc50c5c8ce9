"""Geometry the map figures need, computed with shapely from the committed GeoJSON (no Plotly here).

* where a trace gets its GeoJSON (`GeoAssets`: a served URL, or the features inline);
* label and marker points (provinces, Corps cities), the South China Sea inset's clipped coast and island
  dots, the maritime line as plottable sequences;
* a province's drill-down frame, county ids and the county at a point.

Everything is cached: the files are static for the life of the process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely

from assistance.geo import boundaries
from assistance.reference.codes import CORPS_CODE, HAINAN_CODE, SANSHA_PREFIX, XINJIANG_CODE

STATIC_GEO_URL = "app/static/geo/"  # relative to the page, like the Plotly config's topojsonURL
GUANGDONG_CODE = "440000"  # holds 东沙, the one South China Sea island group outside 三沙

# The South China Sea inset's frame, and the coast drawn around it.
INSET_LON = (106.5, 123.5)
INSET_LAT = (2.5, 24.8)
INSET_COAST = (GUANGDONG_CODE, "450000", "350000", "710000", "810000", "820000")

# Province label positions nudged by hand where the computed interior point reads badly.
LABEL_NUDGE = {
    "130000": (115.6, 38.2),  # 河北: south of Beijing/Tianjin
    "150000": (116.0, 43.6),  # 内蒙古: the wide Xilingol part, clear of the border
    "620000": (103.2, 35.6),  # 甘肃: the wide southern part
    "230000": (127.5, 47.3),
    "540000": (88.5, 31.5),
    "640000": (106.1, 37.3),
    "500000": (107.7, 30.0),
    XINJIANG_CODE: (86.0, 38.9),  # 新疆: clear of the Corps cities' markers
}
CORPS_LABEL_AT = (88.6, 45.9)  # "兵团", north-east of the cluster around 石河子/五家渠


@dataclass(frozen=True)
class GeoAssets:
    """Where each trace gets its GeoJSON: a served URL (default) or the GeoJSON itself."""

    inline: bool = False

    def _served(self, name: str) -> bool:
        if self.inline:
            return False
        directory = boundaries.publish_static()
        return directory is not None and (directory / f"{name}.geojson").is_file()

    def _source(self, name: str, loader, codes) -> str | dict:
        """The URL of a served file (all features; a trace draws only its locations), or inline the
        features a trace draws, so that inline figures do not repeat shared geometry."""
        if self._served(name):
            return f"{STATIC_GEO_URL}{name}.geojson"
        return _only(loader()["features"], codes)

    def provinces(self, codes: Sequence[str] | None = None) -> str | dict:
        return self._source("provinces", boundaries.provinces_geojson, codes)

    def inset(self, codes: Sequence[str]) -> str | dict:
        """Provinces for the South China Sea inset: the served file, or inline the features clipped
        to the inset frame and simplified for its smaller scale (its islands are drawn as dots)."""
        return self._source("provinces", lambda: {"features": inset_features()}, codes)

    def corps(self, codes: Sequence[str] | None = None) -> str | dict:
        return self._source("corps", boundaries.corps_geojson, codes)

    def counties(self, code: str, codes: Sequence[str] | None = None) -> str | dict:
        return self._source(f"counties/{code}", lambda: boundaries.counties_geojson(code), codes)


def _only(features, codes: Sequence[str] | None) -> dict:
    """A FeatureCollection of `features`, or of those whose id is in `codes` when given."""
    wanted = None if codes is None else {str(c) for c in codes}
    return {"type": "FeatureCollection", "features": [f for f in features if wanted is None or f["id"] in wanted]}


def shape(feature: dict) -> shapely.Geometry:
    return shapely.geometry.shape(feature["geometry"])


def _province_features(*codes: str) -> list[dict]:
    return [f for f in boundaries.provinces_geojson()["features"] if f["id"] in codes]


@lru_cache(maxsize=1)
def inset_features() -> tuple[dict, ...]:
    """The inset's coast and Hainan, clipped to the inset frame and simplified for its scale."""
    frame = shapely.box(INSET_LON[0], INSET_LAT[0], INSET_LON[1], INSET_LAT[1])
    out = []
    for feature in _province_features(*INSET_COAST, HAINAN_CODE):
        clipped = shapely.simplify(shapely.intersection(shape(feature), frame), 0.02)
        clipped = shapely.orient_polygons(shapely.set_precision(clipped, 0.01), exterior_cw=True)
        if clipped.is_empty:
            continue
        geometry = shapely.geometry.mapping(clipped)
        out.append({"type": "Feature", "id": feature["id"], "properties": {}, "geometry": geometry})
    return tuple(out)


def interior_point(geom: shapely.Geometry) -> tuple[float, float]:
    """The centre of the largest circle inside the largest part: where a label reads best."""
    parts = shapely.get_parts(geom)
    biggest = parts[int(np.argmax(shapely.area(parts)))]
    centre = shapely.get_point(shapely.maximum_inscribed_circle(biggest, 0.05), 0)
    return round(float(centre.x), 3), round(float(centre.y), 3)


@lru_cache(maxsize=1)
def province_label_points() -> dict[str, tuple[float, float]]:
    """Where each province-level unit's name is written (interior point, or the hand-nudged one)."""
    points = {f["id"]: interior_point(shape(f)) for f in boundaries.provinces_geojson()["features"]}
    points.update(LABEL_NUDGE)
    return points


@lru_cache(maxsize=1)
def corps_points() -> dict[str, tuple[float, float]]:
    """One marker point inside each Corps city."""
    out = {}
    for feature in boundaries.corps_geojson()["features"]:
        point = shapely.point_on_surface(shape(feature))
        out[feature["id"]] = (round(point.x, 3), round(point.y, 3))
    return out


@lru_cache(maxsize=1)
def maritime_lines() -> tuple[tuple, tuple]:
    """The maritime boundary as lon/lat sequences with None between the dashes."""
    lons, lats = boundaries.geojson_lines(boundaries.maritime_geojson())
    return tuple(lons), tuple(lats)


@lru_cache(maxsize=1)
def island_points() -> tuple[tuple, tuple]:
    """Dots for the South China Sea islands (三沙's islands and 东沙): at inset scale their polygons
    are specks, so the inset marks them, as official maps do."""
    lons: list[float] = []
    lats: list[float] = []
    for feature in _province_features(HAINAN_CODE, GUANGDONG_CODE):
        for part in shapely.get_parts(shape(feature)):
            point = part.centroid
            south = point.y < 17.8 if feature["id"] == HAINAN_CODE else (point.y < 21.5 and point.x > 116)
            if south and part.area < 0.05:  # one dot per 0.2° cell is plenty at inset scale
                lons.append(round(round(point.x * 5) / 5, 1))
                lats.append(round(round(point.y * 5) / 5, 1))
    pairs = sorted(set(zip(lons, lats, strict=True)))
    return tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)


@lru_cache(maxsize=64)
def county_frame(code: str) -> tuple[tuple[float, float], tuple[float, float]]:
    """Lon and lat ranges framing a province's counties (Hainan without the far islands of 三沙),
    with some padding; for the Corps, the frame of Xinjiang around its cities."""
    if code == CORPS_CODE:
        features = _province_features(XINJIANG_CODE)
    else:
        features = [
            f for f in boundaries.counties_geojson(code)["features"] if not str(f["id"]).startswith(SANSHA_PREFIX)
        ]
    x0, y0, x1, y1 = boundaries.bounds({"type": "FeatureCollection", "features": features})
    pad_x, pad_y = (x1 - x0) * 0.04 + 0.05, (y1 - y0) * 0.04 + 0.05
    return (round(x0 - pad_x, 3), round(x1 + pad_x, 3)), (round(y0 - pad_y, 3), round(y1 + pad_y, 3))


@lru_cache(maxsize=16)
def _county_index(code: str) -> tuple[shapely.STRtree, tuple[str, ...]]:
    features = boundaries.counties_geojson(code)["features"]
    return shapely.STRtree([shape(f) for f in features]), tuple(str(f["id"]) for f in features)


def county_at(code: str, lon: float, lat: float) -> str | None:
    """The id of the county-level unit of province `code` (for 660000: the Corps city) at a point, if any: what a
    label written there lies on."""
    tree, ids = _county_index(code)
    hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
    return ids[int(hits[0])] if len(hits) else None


def counties_at(code: str, lons, lats) -> list[str | None]:
    """`county_at` of many points in one query of the index (what a map's labels lie on, all at once): for a point
    on a border, the same unit as `county_at`'s (the first the index names)."""
    tree, ids = _county_index(code)
    points, units = tree.query(shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)),
                               predicate="intersects")  # fmt: skip
    found: list[str | None] = [None] * len(lons)
    for point, unit in zip(points[::-1], units[::-1], strict=True):  # backwards: a point's first hit is written last
        found[int(point)] = ids[int(unit)]
    return found


@lru_cache(maxsize=64)
def county_ids(code: str) -> tuple[str, ...]:
    """The ids of a province's county-level units (for 660000: the Corps cities)."""
    return tuple(str(f["id"]) for f in boundaries.counties_geojson(code)["features"])
