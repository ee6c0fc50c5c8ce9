"""The Upload page's flow without a browser: check before commit, stale checks, what the page shows."""

from __future__ import annotations

from types import SimpleNamespace

from assistance.web.text import plain
from assistance.web.upload_flow import (
    Upload,
    UploadFlow,
    encoding_name,
    rejected_file_name,
    sheet_choices,
    size_text,
)
from tests.corpus import ZH, to_xlsx

FILE = Upload("id-1", "活动记录.csv")
REPORT = SimpleNamespace(name="dry run", nothing_to_add=False)
COMMIT = SimpleNamespace(name="commit")


def test_a_new_file_must_be_checked_before_it_can_be_committed():
    flow = UploadFlow()
    assert not flow.ready(FILE)
    assert not flow.can_commit(FILE)
    assert flow.hint(FILE) == "upload.check_first"
    assert flow.shown(FILE) is None


def test_a_checked_file_can_be_committed():
    flow = UploadFlow()
    assert flow.record_check(FILE, REPORT)
    assert flow.ready(FILE)
    assert flow.can_commit(FILE)
    assert flow.hint(FILE) is None
    assert flow.shown(FILE) == (REPORT, False)


def test_changing_the_file_sheet_or_strict_mode_makes_the_check_stale():
    flow = UploadFlow()
    flow.record_check(FILE, REPORT)
    for changed in (
        Upload("id-2", FILE.name),  # uploaded again
        Upload(FILE.file_id, FILE.name, sheet="活动"),
        Upload(FILE.file_id, FILE.name, strict=True),
    ):
        assert not flow.can_commit(changed)
        assert flow.hint(changed) == "upload.stale"
        assert flow.shown(changed) is None
    assert flow.ready(FILE), "going back to the checked choice needs no new check"


def test_a_failed_check_keeps_the_previous_one_and_asks_for_no_rerun():
    flow = UploadFlow()
    flow.record_check(FILE, REPORT)
    flow.record_commit(FILE, COMMIT)
    assert not flow.record_check(FILE, None)
    assert flow.committed is None, "a new check hides the last commit's report"
    assert flow.checked is None


def test_a_commit_replaces_the_check_and_stays_shown_until_another_file_is_chosen():
    flow = UploadFlow()
    flow.record_check(FILE, REPORT)
    assert not flow.record_commit(FILE, None), "a failed commit changes nothing"
    assert flow.ready(FILE)
    assert flow.record_commit(FILE, COMMIT)
    assert flow.checked is None
    assert flow.hint(FILE) is None, "just committed: no 'check first' line"
    assert flow.shown(FILE) == (COMMIT, True)
    assert flow.shown(None) == (COMMIT, True), "removing the file keeps the result on screen"
    assert flow.shown(Upload("id-2", "other.csv")) is None
    assert flow.hint(Upload("id-2", "other.csv")) == "upload.check_first"


def test_the_flash_message_shows_once():
    flow = UploadFlow(flash="已撤销批次 #1")
    assert flow.take_flash() == "已撤销批次 #1"
    assert flow.take_flash() is None


def test_only_a_workbook_with_several_sheets_offers_a_choice():
    several = to_xlsx({"说明": [["填写说明"]], "活动": [ZH]})
    assert sheet_choices(several, 10_000_000) == ["说明", "活动"]
    assert sheet_choices(to_xlsx({"活动": [ZH]}), 10_000_000) == []
    assert sheet_choices(b"date,title\n", 10_000_000) == []
    assert sheet_choices(several, len(several) - 1) == [], "an oversized file is not opened here"


def test_report_details_in_plain_words():
    assert encoding_name(SimpleNamespace(sheet=None, encoding="gb18030")) == "GBK/GB18030"
    assert encoding_name(SimpleNamespace(sheet="活动", encoding=None)) == "活动"
    assert encoding_name(SimpleNamespace(sheet=None, encoding="latin-1")) == "latin-1"
    assert size_text(2048) == "2.0 KB"
    assert rejected_file_name("活动记录.2025.csv") == "活动记录.2025_rejected.csv"
    assert rejected_file_name(".csv") == "upload_rejected.csv"


def test_user_text_is_escaped_for_markdown():
    assert plain("**a** [b](c) #1 <x>") == r"\*\*a\*\* \[b\]\(c\) \#1 \<x\>"
    assert plain(3) == "3"
