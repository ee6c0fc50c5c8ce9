"""Plotly figure builders: pure functions from query results (DataFrames) to figures, with no Streamlit and no
SQL, so a figure can be built and inspected in a test or written into a brief. The map figures (`maps`: national
choropleth, province drill-down, university–school links), activity over time (`activity`), plan progress and
timelines (`progress`); the shared look (`style`), where a map writes names beside its markers (`labels`) and the
dict-based figure builder (`builder`). The geometry the maps draw is computed in `assistance.geo`."""
