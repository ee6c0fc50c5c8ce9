"""Plotly figure builders: pure functions from query results (DataFrames) to figures, with no Streamlit and no
SQL, so a figure can be built and inspected in a test or written into a brief."""
