"""Map geometry: loading the committed, simplified GeoJSON under `data/geo/` and publishing it for static serving
(`boundaries`, plain Python), and the shapely helpers the map figures need: where a trace gets its GeoJSON, label
and marker points, frames, the South China Sea inset (`shapes`). No Plotly here."""
