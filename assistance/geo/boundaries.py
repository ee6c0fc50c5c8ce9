"""Map geometry for the dashboard: load the GeoJSON files that scripts/build_geo.py derives.

All loaders are cached (the files are static for the life of the process) and return the
parsed dicts themselves: treat them as read-only, since every caller shares one copy.
Pure Python on purpose (no Streamlit, no shapely): reading the files needs nothing beyond json, and the
shapely work (label points, frames, the inset) is in `assistance.geo.shapes`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from assistance.paths import DATA_DIR

_ADCODE = re.compile(r"\d{6}")


def data_dir() -> Path:
    """The repo's data/ directory, found from this file so the app works from any cwd."""
    return DATA_DIR


def _geo_dir() -> Path:
    return data_dir() / "geo"


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def provinces_geojson() -> dict:
    """The 34 province-level units (feature id = adcode), for the national choropleth."""
    return _read(_geo_dir() / "provinces.geojson")


@lru_cache(maxsize=1)
def corps_geojson() -> dict:
    """The 10 Corps cities (id = adcode), drawn over Xinjiang since the Corps is its own unit."""
    return _read(_geo_dir() / "corps.geojson")


@lru_cache(maxsize=1)
def maritime_geojson() -> dict:
    """The South China Sea dashed line: a national map of China must show it."""
    return _read(_geo_dir() / "maritime.geojson")


def _county_path(province_code: str) -> Path | None:
    code = str(province_code)
    if not _ADCODE.fullmatch(code):  # also keeps arbitrary strings out of the path
        return None
    return _geo_dir() / "counties" / f"{code}.geojson"


@lru_cache(maxsize=64)
def has_county_map(province_code: str) -> bool:
    """Whether a county-level map exists (only provinces in the programme, plus 660000)."""
    path = _county_path(province_code)
    return path is not None and path.is_file()


@lru_cache(maxsize=32)
def counties_geojson(province_code: str) -> dict:
    """County-level units of one province (id = county adcode); 660000 gives the Corps cities.

    Raises ValueError naming the code when there is no county map for it, so a bad
    filter value fails loudly instead of drawing an empty map.
    """
    path = _county_path(province_code)
    if path is None or not path.is_file():
        raise ValueError(f"no county map for province code {province_code!r}")
    return _read(path)


def _geometries(geojson: dict) -> Iterator[dict]:
    kind = geojson.get("type")
    if kind == "FeatureCollection":
        for feature in geojson.get("features", []):
            yield from _geometries(feature)
    elif kind == "Feature":
        if geojson.get("geometry"):
            yield from _geometries(geojson["geometry"])
    elif kind == "GeometryCollection":
        for geom in geojson.get("geometries", []):
            yield from _geometries(geom)
    elif kind is not None:
        yield geojson


def _lines(geom: dict) -> Iterator[list]:
    """Every coordinate sequence of a geometry: rings of polygons, parts of lines."""
    kind, coords = geom["type"], geom.get("coordinates", [])
    if kind in ("LineString", "MultiPoint"):
        yield coords
    elif kind in ("MultiLineString", "Polygon"):
        yield from coords
    elif kind == "MultiPolygon":
        for polygon in coords:
            yield from polygon
    elif kind == "Point":
        yield [coords]


def bounds(geojson: dict) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of a GeoJSON object, e.g. to set a map's view."""
    lons: list[float] = []
    lats: list[float] = []
    for geom in _geometries(geojson):
        for line in _lines(geom):
            for lon, lat, *_ in line:
                lons.append(lon)
                lats.append(lat)
    if not lons:
        raise ValueError("GeoJSON has no coordinates")
    return min(lons), min(lats), max(lons), max(lats)


def geojson_lines(geojson: dict) -> tuple[list[float | None], list[float | None]]:
    """(lons, lats) of every line and ring, None between parts, for go.Scattergeo(mode="lines").

    One trace then draws many separate lines (the maritime dashes, the Corps outlines)
    without plotly joining the end of one part to the start of the next.
    """
    lons: list[float | None] = []
    lats: list[float | None] = []
    for geom in _geometries(geojson):
        if geom["type"] in ("Point", "MultiPoint"):
            continue
        for line in _lines(geom):
            if not line:
                continue
            if lons:
                lons.append(None)
                lats.append(None)
            for lon, lat, *_ in line:
                lons.append(lon)
                lats.append(lat)
    return lons, lats


def static_geo_dir() -> Path:
    """Where Streamlit's static serving exposes the geometry to the browser (`app/static/geo/...`)."""
    return data_dir().parent / "static" / "geo"


@lru_cache(maxsize=1)
def publish_static() -> Path | None:
    """Mirror data/geo/**.geojson into static/geo/ so plotly.js can fetch each file by URL once per
    page and cache it, instead of every figure carrying its geometry on every rerun (`shapes.GeoAssets`).

    data/geo stays the one committed copy; static/geo is a local mirror (git-ignored), refreshed
    once per process for files that are missing or differ in size or modification time, each
    written atomically. Returns the directory, or None if it cannot be written (read-only install):
    callers then put the GeoJSON inline.
    """
    source, target = _geo_dir(), static_geo_dir()
    try:
        for path in sorted(source.rglob("*.geojson")):
            dest = target / path.relative_to(source)
            stat = path.stat()
            if dest.is_file():
                current = dest.stat()
                if current.st_size == stat.st_size and current.st_mtime_ns == stat.st_mtime_ns:
                    continue
            dest.parent.mkdir(parents=True, exist_ok=True)
            partial = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
            shutil.copy2(path, partial)
            os.replace(partial, dest)
    except OSError:
        return None
    return target
