"""Guidance, not just tracking (issue 10): the problem tracker (困难问题台账: raising a difficulty of a pairing, a
county or a province, moving it through its statuses with a kept history, the rules each change must follow, and
importing a province's problem spreadsheet through the same dry-run, batch and undo pipeline as the registry) and
the good-practice library (典型经验: cases of pairings with their measures, texts, tags and evidence, searched by
Chinese substring, recommended by a province and selected by the ministry), and the honest demo content of both.
Every write here checks the account's right and scope on the server side and records its audit row in the same
transaction; the figures the pages show are analytics.problems' SQL and this package's case queries."""
