"""Every figure the pages show, as parameterised DuckDB SQL: the shared filter CTEs (`queries`), coverage and
KPIs (`coverage`), the 一校一策 scorecard and its status rule (`scorecard`), the needs-attention list
(`attention`), the coordinator's view (`universities`), paged table queries (`tables`) and the SQL that writes
them to files (`exports`). Returns DataFrames and plain values; no Streamlit and no Plotly here, so it is all
testable on a bare connection."""
