"""The store: the DuckDB connection, schema and numbered migrations (db); the write discipline (transaction): one
transaction helper, one cursor context manager, the process-wide write lock; the activity summaries every
transaction keeps in step with the log (summaries) and the pinyin sort keys of names (sortkeys); which store a
setting names, a DuckDB file or a PostgreSQL URL (mode), and server mode's PostgreSQL store (pg). Everything that
opens, changes the shape of, or writes to the database goes through here."""
