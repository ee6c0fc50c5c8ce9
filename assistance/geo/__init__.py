"""Map geometry: loading the committed, simplified GeoJSON under `data/geo/`, publishing it for static
serving, and the shapely helpers (label points, frames, insets) that the map figures need. No Plotly here."""
