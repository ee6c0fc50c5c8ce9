"""Property tests: whatever bytes or cell values arrive, the import never raises anything but a clean
`IngestFileError`, and never commits part of a file: every count moves exactly as the report says."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from assistance.ingest.errors import IngestFileError
from assistance.ingest.pipeline import Ingest
from assistance.store import db
from tests.corpus import TODAY, VALID, ZH, build_corpus_database

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture], derandomize=True)
# Example counts keep this module to a few seconds; raise them (or drop derandomize) to search harder.


@pytest.fixture(scope="module")
def prop_con(demo_db_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("property") / "property.duckdb"
    build_corpus_database(demo_db_template, path)
    connection = db.connect(path)
    yield connection
    connection.close()


def counts(con) -> tuple[int, int, int]:
    return tuple(
        con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("activities", "upload_batches", "rejected_rows")
    )


def check(con, data: bytes, name: str, strict: bool = False):
    """Run a commit and check that the database moved exactly as the report says (or not at all)."""
    before = counts(con)
    try:
        report = Ingest(con, data, name, today=TODAY, strict=strict, max_bytes=0).run()
    except IngestFileError as exc:
        assert exc.message("zh") and exc.message("en")
        assert counts(con) == before
        return None
    after = counts(con)
    assert report.inserted + report.duplicates + report.rejected == report.rows
    assert min(report.inserted, report.duplicates, report.rejected) >= 0
    if report.committed:
        assert after[0] - before[0] == report.inserted > 0
        assert after[1] - before[1] == 1
        assert after[2] - before[2] == len(report.errors)
    else:
        assert (report.nothing_to_add or (strict and report.rejected)) and after == before
    if report.rejected:
        assert report.errors["line"].nunique() == report.rejected
        assert report.rejected_csv("en").startswith(b"\xef\xbb\xbf")
    return report


@settings(SETTINGS, max_examples=60)
@given(data=st.binary(max_size=3000))
def test_random_bytes(prop_con, data):
    check(prop_con, data, "random.csv")


@settings(SETTINGS, max_examples=40)
@given(tail=st.binary(max_size=2000), encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_random_bytes_after_a_good_header(prop_con, tail, encoding):
    check(prop_con, (",".join(ZH) + "\n").encode(encoding) + tail, "header_then_noise.csv")


VALID_CELLS = [sorted({row[i] for row in VALID}) for i in range(len(ZH))]
cells = st.one_of(
    st.integers(min_value=0, max_value=len(ZH) - 1).flatmap(lambda i: st.sampled_from(VALID_CELLS[i])),
    st.text(max_size=25),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats().map(str),
    st.sampled_from(
        ["", " ", "　", "２０２３－０９－０１", "2023/9/1", "45170", "１２", "-0", "1e3", "NaN", "infinity"]
    ),
)
rows = st.lists(st.lists(cells, max_size=13), max_size=12)


@settings(SETTINGS, max_examples=50)
@given(
    body=rows,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    delimiter=st.sampled_from([",", "\t"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    strict=st.booleans(),
)
def test_random_cells_in_csv(prop_con, body, encoding, delimiter, newline, strict):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows([ZH, *body])
    check(prop_con, buffer.getvalue().encode(encoding), "random_cells.csv", strict=strict)


xlsx_cells = st.one_of(
    st.none(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2040, 1, 1)),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=20),
    st.integers(min_value=0, max_value=len(ZH) - 1).flatmap(lambda i: st.sampled_from(VALID_CELLS[i])),
)


@settings(SETTINGS, max_examples=20)
@given(body=st.lists(st.lists(xlsx_cells, max_size=11), max_size=10))
def test_random_cells_in_xlsx(prop_con, body):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(ZH)
    for row in body:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    check(prop_con, buffer.getvalue(), "random_cells.xlsx")
