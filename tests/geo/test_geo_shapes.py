"""The shapely helpers of the map figures (assistance/geo/shapes.py): label points, frames, the inset."""

from __future__ import annotations

import subprocess
import sys

import pytest
import shapely

from assistance.geo import boundaries, shapes
from assistance.reference.codes import CORPS_CODE, HAINAN_CODE, SANSHA_PREFIX, XINJIANG_CODE
from tests.conftest import REPO

INSET = shapely.box(shapes.INSET_LON[0], shapes.INSET_LAT[0], shapes.INSET_LON[1], shapes.INSET_LAT[1])


def provinces() -> dict[str, shapely.Geometry]:
    return {f["id"]: shapes.shape(f) for f in boundaries.provinces_geojson()["features"]}


def test_every_province_label_point_lies_in_its_province():
    geoms = provinces()
    points = shapes.province_label_points()
    assert set(points) == set(geoms)
    outside = [code for code, (lon, lat) in points.items() if not geoms[code].contains(shapely.Point(lon, lat))]
    assert not outside


def test_every_corps_marker_lies_in_its_city():
    cities = {f["id"]: shapes.shape(f) for f in boundaries.corps_geojson()["features"]}
    points = shapes.corps_points()
    assert sorted(points) == [f"6590{i:02d}" for i in range(1, 11)]
    assert all(cities[code].contains(shapely.Point(*point)) for code, point in points.items())


@pytest.mark.parametrize("code", ["620000", HAINAN_CODE, XINJIANG_CODE])
def test_a_province_frame_holds_its_counties_but_not_the_far_islands(code):
    (x0, x1), (y0, y1) = shapes.county_frame(code)
    frame = shapely.box(x0, y0, x1, y1)
    for feature in boundaries.counties_geojson(code)["features"]:
        inside = frame.contains(shapes.shape(feature))
        assert inside != str(feature["id"]).startswith(SANSHA_PREFIX), feature["id"]
    assert set(shapes.county_ids(code)) == {f["id"] for f in boundaries.counties_geojson(code)["features"]}


def test_the_corps_frame_is_xinjiang_around_its_cities():
    (x0, x1), (y0, y1) = shapes.county_frame(CORPS_CODE)
    frame = shapely.box(x0, y0, x1, y1)
    assert frame.contains(provinces()[XINJIANG_CODE])
    assert all(frame.contains(shapely.Point(*p)) for p in shapes.corps_points().values())


def test_the_inset_is_clipped_clockwise_and_marks_the_islands():
    features = shapes.inset_features()
    ids = {f["id"] for f in features}
    assert {HAINAN_CODE, shapes.GUANGDONG_CODE} <= ids <= {*shapes.INSET_COAST, HAINAN_CODE}
    for feature in features:
        geom = shapes.shape(feature)
        assert INSET.buffer(1e-6).contains(geom), feature["id"]
        for polygon in shapely.get_parts(geom):
            assert not polygon.exterior.is_ccw, f"{feature['id']}: a counter-clockwise ring floods plotly's map"
    lons, lats = shapes.island_points()
    assert len(lons) > 10 and all(INSET.contains(shapely.Point(x, y)) for x, y in zip(lons, lats, strict=True))
    assert min(lats) < 10, "the Nansha islands are marked"
    line_lons, _ = shapes.maritime_lines()
    assert None in line_lons, "the maritime line stays in separate dashes"


def test_assets_give_a_served_url_or_only_the_features_drawn():
    served = shapes.GeoAssets()
    assert served.provinces(["620000"]) == "app/static/geo/provinces.geojson"
    assert served.counties("620000") == "app/static/geo/counties/620000.geojson"
    inline = shapes.GeoAssets(inline=True)
    assert [f["id"] for f in inline.provinces(["620000"])["features"]] == ["620000"]
    assert len(inline.corps()["features"]) == 10
    assert [f["id"] for f in inline.inset([HAINAN_CODE])["features"]] == [HAINAN_CODE]


def test_geometry_needs_no_plotly_and_figures_compute_no_geometry():
    code = "import sys, assistance.geo.shapes; assert 'plotly' not in sys.modules, 'plotly imported'"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
    for path in (REPO / "assistance" / "figures").glob("*.py"):
        assert "import shapely" not in path.read_text(encoding="utf-8"), f"{path.name}: geometry goes in geo/"
