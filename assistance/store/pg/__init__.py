"""Server mode's store (issue 15): PostgreSQL as the system of record for several app replicas. Its own versioned
schema (the DuckDB tables translated, with the natural keys and change capture), moving tables between PostgreSQL
and DuckDB by COPY, and `store copy` between a DuckDB file and a PostgreSQL database. Only `assistance.store`
knows which mode it runs in; psycopg is imported here and nowhere else."""
