"""Outlines for static maps (the brief's coverage map, drawn as SVG without a browser): the committed GeoJSON
projected north up onto a plane of `WIDTH` units, simplified for print and written as SVG path data, one path per
unit (a province, the Corps, a county) with its parts as subpaths.

* **National** (`national_outlines`): the same frame and projection as the app's national map (`figures.maps`:
  Albers with standard parallels 25°N and 47°N about 105°E, the mainland down to 17.5°N), the Corps' ten cities as
  one unit over Xinjiang, and the South China Sea inset (lower right, its own conic projection about 115°E) with the
  coast, Hainan, the islands as dots and the maritime boundary line, which a national map of China must show.
* **A province** (`province_outlines`): its county-level units in the frame of the app's drill-down (Mercator);
  for the Corps, its cities over a faint Xinjiang; for Xinjiang, the Corps' cities as context over its counties.

Neighbouring units are simplified together (`shapely.coverage_simplify`), so a shared border stays one line and no
gap or overlap opens between them. Everything is cached: the files are static for the life of the process. No
colours here: what a unit is filled with is the map's business (`assistance.brief.svgmap`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import shapely

from assistance.geo import boundaries
from assistance.geo.shapes import (
    CORPS_LABEL_AT,
    INSET_COAST,
    INSET_LAT,
    INSET_LON,
    county_frame,
    inset_features,
    island_points,
    province_label_points,
    shape,
)
from assistance.reference.codes import CORPS_CODE, HAINAN_CODE, XINJIANG_CODE

WIDTH = 1000.0  # user units across the map; heights follow the projection
TOLERANCE = 1.0  # simplification, in user units (a tenth of a millimetre on a map 100 mm wide)
MIN_AREA = 2.0  # square user units: islets smaller than this are specks in print and are left out
PAD = 6.0  # user units of paper above and below the land of a national map
# The app's national frame and projections (figures.maps: NATIONAL_LON, NATIONAL_LAT, ALBERS and the inset's).
MAINLAND_LON = (73.0, 135.5)
MAINLAND_LAT = (17.5, 54.0)
ALBERS_MAIN = (25.0, 47.0, 105.0)  # standard parallels and central meridian
ALBERS_INSET = (5.0, 20.0, 115.0)
INSET_BOX = (0.835, 0.64, 0.998, 1.0)  # the inset's box as fractions of the map (x0, y0, x1, y1; y down)

Projector = Callable[[np.ndarray], np.ndarray]  # (n, 2) lon/lat → (n, 2) plane x/y, y down


def albers(parallels_and_meridian: tuple[float, float, float]) -> Projector:
    """Albers conic equal-area (a sphere) about the central meridian: x east, y down the page (north up)."""
    first, second, meridian = (math.radians(v) for v in parallels_and_meridian)
    n = (math.sin(first) + math.sin(second)) / 2
    c = math.cos(first) ** 2 + 2 * n * math.sin(first)

    def project(points: np.ndarray) -> np.ndarray:
        lon, lat = np.radians(points[:, 0]), np.radians(points[:, 1])
        rho = np.sqrt(c - 2 * n * np.sin(lat)) / n
        theta = n * (lon - meridian)
        return np.column_stack((rho * np.sin(theta), rho * np.cos(theta)))  # y grows southwards: page down

    return project


def mercator(points: np.ndarray) -> np.ndarray:
    """Mercator, as the app's province drill-down: x east, y down the page."""
    lon, lat = np.radians(points[:, 0]), np.radians(points[:, 1])
    return np.column_stack((lon, -np.log(np.tan(math.pi / 4 + lat / 2))))


@dataclass(frozen=True)
class Plane:
    """A projection fitted to a frame: lon/lat → map units, the frame `WIDTH` wide (or `width`), north up."""

    project: Projector
    x0: float
    y0: float
    scale: float
    dx: float = 0.0
    dy: float = 0.0

    @classmethod
    def fit(cls, project: Projector, frame: shapely.Geometry, width: float = WIDTH) -> Plane:
        x0, y0, x1, _ = shapely.bounds(shapely.transform(frame, project))
        return cls(project, x0, y0, width / (x1 - x0))

    def __call__(self, points: np.ndarray) -> np.ndarray:
        xy = self.project(np.asarray(points, dtype=float))
        x = (xy[:, 0] - self.x0) * self.scale + self.dx
        return np.column_stack((x, (xy[:, 1] - self.y0) * self.scale + self.dy))

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self(np.array([[lon, lat]]))[0]
        return round(float(x), 1), round(float(y), 1)

    def geometry(self, geom: shapely.Geometry) -> shapely.Geometry:
        return shapely.transform(geom, self)

    def size(self, frame: shapely.Geometry) -> tuple[float, float]:
        x0, y0, x1, y1 = shapely.bounds(self.geometry(frame))
        return round(float(x1 - x0), 1), round(float(y1 - y0), 1)


def _ring(coords: np.ndarray) -> str:
    """One closed ring as path data: M x y L x y x y … Z (one decimal: a hundredth of a millimetre in print)."""
    points = np.round(coords[:-1] if len(coords) > 1 and (coords[0] == coords[-1]).all() else coords, 1)
    if len(points) < 3:
        return ""
    text = " ".join(f"{x:g} {y:g}" for x, y in points.tolist())
    head, _, tail = text.partition(" ")
    first, _, rest = tail.partition(" ")
    return f"M{head} {first}L{rest}Z"


def path_data(geom: shapely.Geometry) -> str:
    """A (multi)polygon's rings (holes too: the SVG's even-odd fill keeps them open) as one path's data; parts
    smaller than MIN_AREA are left out."""
    polygons = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    kept = [p for p in polygons if p.area >= MIN_AREA] or sorted(polygons, key=lambda p: p.area)[-1:]  # Macao stays
    parts = []
    for polygon in kept:
        parts.append(_ring(np.asarray(polygon.exterior.coords)))
        parts += [_ring(np.asarray(ring.coords)) for ring in polygon.interiors]
    return "".join(part for part in parts if part)


def line_data(geom: shapely.Geometry) -> str:
    """Lines (the maritime boundary) as path data, one M … L … per part."""
    parts = []
    for line in shapely.get_parts(geom):
        if line.is_empty or line.geom_type != "LineString":
            continue
        points = np.round(np.asarray(line.coords), 1).tolist()
        if len(points) >= 2:
            rest = " ".join(f"{x:g} {y:g}" for x, y in points[1:])
            parts.append(f"M{points[0][0]:g} {points[0][1]:g}L{rest}")
    return "".join(parts)


def _clipped(features: Sequence[dict], clip: shapely.Geometry) -> dict[str, shapely.Geometry]:
    """Each feature's geometry (lon/lat) clipped to the frame, by code; those wholly outside it left out."""
    clipped = {str(feature["id"]): shapely.intersection(shape(feature), clip) for feature in features}
    return {code: geom for code, geom in clipped.items() if not geom.is_empty}


def _simplified(plane: Plane, geometries: dict[str, shapely.Geometry]) -> dict[str, str]:
    """Each geometry's path data: projected and simplified with its neighbours."""
    projected = [shapely.make_valid(plane.geometry(geom)) for geom in geometries.values()]
    simple = shapely.coverage_simplify(np.array(projected, dtype=object), TOLERANCE)
    return {code: data for code, geom in zip(geometries, simple, strict=True) if (data := path_data(geom))}


@dataclass(frozen=True)
class Outlines:
    """A static map's geometry in map units (x east, y down the page; `width` × `height`).

    `units`: one path per unit of the scope, by code; `context`: shapes drawn for orientation only (the Corps over
    Xinjiang's counties, Xinjiang under the Corps' cities), by kind; `labels`: where a unit's name is written;
    `inset`: the South China Sea inset of a national map (else None)."""

    width: float
    height: float
    units: dict[str, str]
    labels: dict[str, tuple[float, float]] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    maritime: str = ""
    inset: Inset | None = None
    plane: Plane | None = None


@dataclass(frozen=True)
class Inset:
    box: tuple[float, float, float, float]  # x, y, width, height in map units
    coast: dict[str, str]  # code → path data (Hainan among them)
    islands: tuple[tuple[float, float], ...]
    maritime: str


def _frame(lon: tuple[float, float], lat: tuple[float, float]) -> shapely.Geometry:
    """A lon/lat box with its edges densified, so that it stays the frame's true outline once projected."""
    return shapely.segmentize(shapely.box(lon[0], lat[0], lon[1], lat[1]), 0.5)


def _maritime(plane: Plane, clip: shapely.Geometry) -> str:
    lines = shapely.intersection(shapely.geometry.shape(_maritime_geometry()), clip)
    return line_data(plane.geometry(lines))


def _maritime_geometry() -> dict:
    features = boundaries.maritime_geojson()["features"]
    parts = []
    for feature in features:
        geometry = feature["geometry"]
        parts += geometry["coordinates"] if geometry["type"] == "MultiLineString" else [geometry["coordinates"]]
    return {"type": "MultiLineString", "coordinates": parts}


@lru_cache(maxsize=1)
def national_outlines() -> Outlines:
    """The 34 province-level units and the Corps (660000, its cities as one unit) in the mainland frame, province
    label points (the app's, hand-nudged where it nudges them), the maritime line and the South China Sea inset."""
    frame = _frame(MAINLAND_LON, MAINLAND_LAT)
    plane = Plane.fit(albers(ALBERS_MAIN), frame)
    provinces = _clipped(boundaries.provinces_geojson()["features"], frame)
    # The frame's corners lie north of the land once projected: the map starts just above its northernmost point.
    _, top, _, bottom = shapely.total_bounds(np.array([plane.geometry(g) for g in provinces.values()], dtype=object))
    plane = Plane(plane.project, plane.x0, plane.y0, plane.scale, 0.0, PAD - float(top))
    width, height = WIDTH, round(float(bottom - top) + 2 * PAD, 1)
    units = _simplified(plane, provinces)
    corps = shapely.union_all([shape(f) for f in boundaries.corps_geojson()["features"]])
    units[CORPS_CODE] = path_data(shapely.simplify(plane.geometry(corps), TOLERANCE / 2))
    labels = {code: plane.point(*point) for code, point in province_label_points().items()}
    labels[CORPS_CODE] = plane.point(*CORPS_LABEL_AT)
    return Outlines(width, height, units, labels, {}, _maritime(plane, frame), _inset(width, height), plane)


def _inset(width: float, height: float) -> Inset:
    """The South China Sea inset in its box (the app's domain: the right sixth, the lower third of the map)."""
    x0, y0, x1, y1 = INSET_BOX
    box = (round(x0 * width, 1), round(y0 * height, 1), round((x1 - x0) * width, 1), round((y1 - y0) * height, 1))
    frame = _frame(INSET_LON, INSET_LAT)
    project = albers(ALBERS_INSET)
    fx0, fy0, fx1, fy1 = shapely.bounds(shapely.transform(frame, project))
    scale = min(box[2] / (fx1 - fx0), box[3] / (fy1 - fy0))
    dx = box[0] + (box[2] - (fx1 - fx0) * scale) / 2
    dy = box[1] + (box[3] - (fy1 - fy0) * scale) / 2
    plane = Plane(project, fx0, fy0, scale, dx, dy)
    features = [f for f in inset_features() if f["id"] in (*INSET_COAST, HAINAN_CODE)]
    coast = {str(f["id"]): path_data(plane.geometry(shape(f))) for f in features}
    lons, lats = island_points()
    islands = tuple(plane.point(lon, lat) for lon, lat in zip(lons, lats, strict=True))
    return Inset(box, {code: data for code, data in coast.items() if data}, islands, _maritime(plane, frame))


@lru_cache(maxsize=8)
def province_outlines(code: str) -> Outlines:
    """The county-level units of province `code` (the Corps' cities for 660000) in the app's drill-down frame, with
    context: Xinjiang under the Corps' cities, the Corps' cities over Xinjiang's counties."""
    (lon0, lon1), (lat0, lat1) = county_frame(code)
    frame = _frame((lon0, lon1), (lat0, lat1))
    plane = Plane.fit(mercator, frame)
    width, height = plane.size(frame)
    units = _simplified(plane, _clipped(boundaries.counties_geojson(code)["features"], frame))
    context = {}
    if code == CORPS_CODE:
        xinjiang = [f for f in boundaries.provinces_geojson()["features"] if f["id"] == XINJIANG_CODE]
        context["xinjiang"] = _simplified(plane, _clipped(xinjiang, frame))[XINJIANG_CODE]
    elif code == XINJIANG_CODE:
        corps = shapely.union_all([shape(f) for f in boundaries.corps_geojson()["features"]])
        context["corps"] = path_data(shapely.simplify(plane.geometry(corps), TOLERANCE / 2))
    return Outlines(width, height, units, {}, context, plane=plane)
