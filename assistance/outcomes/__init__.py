"""Outcome indicators (办学成效指标, issue 11): per school and school year, from the 2021–22 baseline year on, the
figures schools keep in Excel (students, classes, classes of 56 or more, teachers and their degrees and titles,
teachers who left, the local enrolment of top junior-high graduates, the undergraduate admission rate, students over
the special-control line). Here are the indicators and their policy thresholds, the import of an outcome file (the
registry's FileImport steps: dry run, batch, undo), the SQL that reads them for the scorecard, the overview and the
brief (held to the account's scope), and the demo outcomes of demo schools. Admission rates are read and compared
with a school's own baseline, never used to rank schools."""
