"""The store: the DuckDB connection, schema and numbered migrations, building a new database file, and the
write discipline (one transaction helper, one cursor context manager, the process-wide write lock). Everything
that opens, changes the shape of, or writes to the database goes through here."""
