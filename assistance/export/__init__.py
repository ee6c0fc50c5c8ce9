"""Files users download: the column definitions of every exported table, the one spreadsheet-formula guard,
and the CSV (UTF-8 with BOM) and XLSX writers that stream a query's rows in chunks."""
