"""The data the app starts from: the committed reference CSVs under `data/` (provinces, counties, measures,
universities, verified pairings), the programme's fixed codes, and the deterministic demo history that fills
a new database until real logs arrive. Real facts keep their source; every generated row is `demo`."""
