"""Every figure the pages show, as parameterised DuckDB SQL: the shared filter CTEs, coverage and KPIs, the
一校一策 scorecard and its status rule, the needs-attention list, and paged table queries. Returns DataFrames
and plain values; no Streamlit and no Plotly here, so it is all testable on a bare connection."""
