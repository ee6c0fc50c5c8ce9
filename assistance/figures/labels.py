"""Where a map writes names beside its markers (issue 13, item 8): plotly.js places a text only above, below or
beside its point, so the place is chosen here, in estimated pixels, clear of other names and markers and on one
kind of fill, and the text is written light or dark for the fill it lies on. Geometry and colour arithmetic only:
no figures, no data."""

from __future__ import annotations

import math
from functools import lru_cache

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
    neither a name already placed nor any marker and lies, with a margin, on fills of one kind (`light_at(lons,
    lats)`: for arrays of points, whether light text reads at each); else the free place most of whose box is of one
    kind; else the place that overlaps least. The estimate is made for a map `width_px` wide: narrower than most, so
    names stay apart when the map is wider. The fills under every box a name may take are looked up in one call
    (a map of 150 names tests 20,000 points: one by one, that took a second).

    Returns, per name, its plotly textposition and whether it is written light (the kind most of its box is on)."""
    points = mercator_pixels(lons, lats, lon_range, lat_range, width_px, height_px)
    candidates = [
        [(position, label_box(x, y, max(len(text), 1) * LABEL_FONT_PX, dx, dy)) for position, dx, dy in LABEL_PLACES]
        for (x, y), text in zip(points, texts, strict=True)
    ]
    light = _light_grids([box for boxes in candidates for _, box in boxes], lon_range, lat_range, light_at,
                         width_px, height_px).reshape(len(candidates), len(LABEL_PLACES), -1)  # fmt: skip
    # The markers' boxes, then each name's as it is placed: rows of (left, top, right, bottom).
    taken = np.zeros((len(points) + len(candidates), 4))
    taken[: len(points)] = [(x - 6, y - 6, x + 6, y + 6) for x, y in points]
    count = len(points)

    out = []
    for index, (boxes, text) in enumerate(zip(candidates, texts, strict=True)):
        kinds = light[index]
        evenness = np.maximum(kinds.sum(axis=1), kinds.shape[1] - kinds.sum(axis=1)) / kinds.shape[1]
        overlaps = _overlaps(np.array([box for _, box in boxes]), taken[:count])
        free = [place for place in range(len(boxes)) if not overlaps[place].any()]
        if free:
            chosen = next((place for place in free if evenness[place] == 1), None)
            if chosen is None:
                chosen = max(free, key=lambda place: evenness[place])
        else:  # the least overlap, summed in order as `sum` would (so that ties break the same way)
            totals = np.cumsum(overlaps, axis=1)[:, -1]
            chosen = min(range(len(boxes)), key=lambda place: totals[place])
        position, box = boxes[chosen]
        if text:
            taken[count] = box
            count += 1
        out.append((position, bool(2 * kinds[chosen].sum() > kinds.shape[1])))
    return out


def _overlaps(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """`overlap` of every box (rows) with every other box (columns)."""
    width = np.minimum(boxes[:, None, 2], others[None, :, 2]) - np.maximum(boxes[:, None, 0], others[None, :, 0])
    height = np.minimum(boxes[:, None, 3], others[None, :, 3]) - np.maximum(boxes[:, None, 1], others[None, :, 1])
    return np.maximum(0.0, width) * np.maximum(0.0, height)


def _light_grids(boxes, lon_range, lat_range, light_at, width_px: float, height_px: float) -> np.ndarray:
    """Light or not at every grid point of every box, in one call of `light_at`, flat: per box, a grid of 6 × 3 points
    over it and a 3 px margin around it, row by row."""
    if not boxes:
        return np.zeros(0, dtype=bool)
    box = np.asarray(boxes, dtype=float)
    xs = np.linspace(box[:, 0] - 3, box[:, 2] + 3, 6, axis=1)  # (boxes, 6)
    ys = np.linspace(box[:, 1] - 3, box[:, 3] + 3, 3, axis=1)  # (boxes, 3)
    xs, ys = np.tile(xs, 3).ravel(), np.repeat(ys, 6, axis=1).ravel()
    scale = _mercator_scale(lon_range, lat_range, width_px, height_px)
    lons = lon_range[0] + np.degrees(xs * scale)
    lats = np.degrees(2 * np.arctan(np.exp(_mercator_y(lat_range[1]) - ys * scale)) - np.pi / 2)
    return np.asarray(light_at(lons, lats), dtype=bool)


def _luminance(colour: str) -> float:
    """Relative luminance (WCAG) of a "#rrggbb" or "rgb(r, g, b)" colour."""
    rgb = plotly.colors.hex_to_rgb(colour) if colour.startswith("#") else plotly.colors.unlabel_rgb(colour)
    linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@lru_cache(maxsize=256)
def light_text_on(fill: str) -> bool:
    """Whether white text reads better than dark text on `fill` (the contrast ratio against each)."""
    lum = _luminance(fill)
    return (1.05) / (lum + 0.05) > (lum + 0.05) / (_luminance(INK) + 0.05)
