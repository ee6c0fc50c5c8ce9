"""Files users download: the column definitions of every table shown and exported (columns), the one
spreadsheet-formula guard (cells), and the CSV (UTF-8 with BOM) and XLSX writers that stream a query's rows
in chunks (writers). The export SQL itself is analytics.exports; the `export` command is cli.export."""
