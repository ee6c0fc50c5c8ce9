"""Where a map writes names beside its markers (issue 13, item 8): plotly.js places a text only above, below or
beside its point, so the place is chosen here, in estimated pixels, clear of other names and markers and on one
kind of fill, and the text is written light or dark for the fill it lies on. Geometry and colour arithmetic only:
no figures, no data."""

from __future__ import annotations

import math

import numpy as np
import plotly.colors

from assistance.figures.style import INK


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _mercator_scale(lon_range, lat_range, width_px: float, height_px: float) -> float:
    """Radians per pixel of a Mercator map that plotly fitted to the ranges (keeping its aspect)."""
    return max(
        math.radians(lon_range[1] - lon_range[0]) / width_px,
        (_mercator_y(lat_range[1]) - _mercator_y(lat_range[0])) / height_px,
    )


def mercator_pixels(lons, lats, lon_range, lat_range, width_px: float, height_px: float) -> list[tuple[float, float]]:
    """Approximate pixel positions on a Mercator map that plotly fitted to the given ranges."""
    scale = _mercator_scale(lon_range, lat_range, width_px, height_px)
    top = _mercator_y(lat_range[1])
    return [
        (math.radians(lon - lon_range[0]) / scale, (top - _mercator_y(lat)) / scale)
        for lon, lat in zip(lons, lats, strict=True)
    ]


def mercator_lonlat(x: float, y: float, lon_range, lat_range, width_px: float, height_px: float) -> tuple[float, float]:
    """The inverse of `mercator_pixels`: where a pixel of that map lies."""
    scale = _mercator_scale(lon_range, lat_range, width_px, height_px)
    lat = math.degrees(2 * math.atan(math.exp(_mercator_y(lat_range[1]) - y * scale)) - math.pi / 2)
    return lon_range[0] + math.degrees(x * scale), lat


# The places a county name may take around its marker, in order of preference: (plotly textposition, the box's
# horizontal and vertical placement: -1 before/above the marker, 0 centred on it, 1 after/below it).
LABEL_PLACES = (
    ("top center", 0, -1),
    ("bottom center", 0, 1),
    ("middle right", 1, 0),
    ("middle left", -1, 0),
    ("top right", 1, -1),
    ("top left", -1, -1),
    ("bottom right", 1, 1),
    ("bottom left", -1, 1),
)
LABEL_FONT_PX = 12  # a Chinese character is as wide as the font is high
LABEL_HEIGHT_PX = 14


def label_box(x: float, y: float, w: float, dx: int, dy: int) -> tuple[float, float, float, float]:
    """The box plotly.js draws a name of width `w` in, beside a marker of size 10 at (x, y), in the place (dx, dy)
    (measured in Chromium: 7 px clear of the marker's centre above and to the sides, 5 px below)."""
    left = x - w / 2 if dx == 0 else x + 7 if dx > 0 else x - 7 - w
    top = y - 8 if dy == 0 else y + 5 if dy > 0 else y - 7 - LABEL_HEIGHT_PX
    return left, top, left + w, top + LABEL_HEIGHT_PX


def overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def place_labels(lons, lats, texts, lon_range, lat_range, light_at, width_px=700, height_px=600) -> list:
    """Greedy placement in estimated pixels. Each name takes the first place around its marker whose box overlaps
    neither a name already placed nor any marker and lies, with a margin, on fills of one kind (`light_at(lon,
    lat)`: whether light text reads there); else the free place most of whose box is of one kind; else the place
    that overlaps least. The estimate is made for a map `width_px` wide: narrower than most, so names stay apart
    when the map is wider.

    Returns, per name, its plotly textposition and whether it is written light (the kind most of its box is on)."""
    points = mercator_pixels(lons, lats, lon_range, lat_range, width_px, height_px)
    taken = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]

    def kinds(box) -> list[bool]:
        """Light or not at a grid of points over the box and a 3 px margin around it."""
        xs = np.linspace(box[0] - 3, box[2] + 3, 6)
        ys = np.linspace(box[1] - 3, box[3] + 3, 3)
        return [light_at(*mercator_lonlat(x, y, lon_range, lat_range, width_px, height_px)) for y in ys for x in xs]

    def evenness(box) -> float:
        light = kinds(box)
        return max(sum(light), len(light) - sum(light)) / len(light)

    out = []
    for (x, y), text in zip(points, texts, strict=True):
        boxes = [
            (position, label_box(x, y, max(len(text), 1) * LABEL_FONT_PX, dx, dy)) for position, dx, dy in LABEL_PLACES
        ]
        free = [item for item in boxes if not any(overlap(item[1], other) for other in taken)]
        if free:
            position, box = next((item for item in free if evenness(item[1]) == 1), None) or max(
                free, key=lambda item: evenness(item[1])
            )
        else:
            position, box = min(boxes, key=lambda item: sum(overlap(item[1], other) for other in taken))
        if text:
            taken.append(box)
        light = kinds(box)
        out.append((position, 2 * sum(light) > len(light)))
    return out


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a "#rrggbb" or "rgb(r, g, b)" colour."""
    rgb = plotly.colors.hex_to_rgb(colour) if colour.startswith("#") else plotly.colors.unlabel_rgb(colour)
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def light_text_on(fill: str) -> bool:
    """Whether white text reads better than dark text on `fill` (the contrast ratio against each)."""
    lum = _luminance(fill)
    return (1.05) / (lum + 0.05) > (lum + 0.05) / (_luminance(INK) + 0.05)
