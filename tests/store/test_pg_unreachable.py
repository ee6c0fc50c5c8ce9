"""Server mode with the store out of reach (issue 15, slice 4): the replica keeps the data it loaded and says since
when the store is unreachable; pages show that data under a banner; writes are refused at once with a clear
message (no traceback, nothing written), and work again once the store is back."""

from __future__ import annotations

import time

import pytest

from assistance.ingest.pipeline import Ingest
from assistance.store.pg import replica
from assistance.store.transaction import StoreUnavailable
from tests.conftest import open_page, run_cli

DEAD = "postgresql://app:secret@127.0.0.1:1/"  # and the test store's name: the app keeps a connection per store
LOG = "日期,帮扶高校,受援学校,帮扶举措,活动名称\n2026-10-20,北师大,青龙一中,教研,断线测试\n"


@pytest.fixture
def cut_off(pg_demo_url, monkeypatch):
    """A replica of the demo store, loaded, registered as this process's model of an address where nothing answers,
    its watcher running: the store has just become unreachable. (model, the store's URL, the dead address)"""
    monkeypatch.setenv("ASSISTANCE_PG_CONNECT_TIMEOUT", "1")
    model = replica.ReadModel(pg_demo_url)
    model.load()
    dead = DEAD + pg_demo_url.rsplit("/", 1)[1]
    model.url = dead
    watcher = replica.Watcher(model, poll=0.1)
    replica._shared[dead] = (model, watcher)
    watcher.start()
    deadline = time.monotonic() + 20
    while model.unreachable_since is None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    yield model, pg_demo_url, dead
    replica.forget(dead)


def test_a_write_is_refused_at_once_and_nothing_changes_until_the_store_is_back(cut_off):
    model, url, _ = cut_off
    before = model.con.execute("SELECT count(*) FROM activities").fetchone()[0]
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as refused:
        Ingest(model.cursor(), LOG.encode(), "a.csv").run()
    assert time.perf_counter() - started < 5 and refused.value.since == model.unreachable_since
    assert model.con.execute("SELECT count(*) FROM activities").fetchone()[0] == before

    model.url = url  # the store is back: the watcher's next poll clears the mark, writes go through
    deadline = time.monotonic() + 20
    while model.unreachable_since is not None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert Ingest(model.cursor(), LOG.encode(), "a.csv").run().inserted == 1


def test_the_command_line_says_it_in_one_line(cut_off, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANCE_LANG", "en")
    log = tmp_path / "log.csv"
    log.write_text(LOG, encoding="utf-8")
    status, out, err = run_cli(capsys, "ingest", str(log), "--db", cut_off[2])
    assert status == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "cannot be reached" in err and "secret" not in err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_show_the_last_loaded_data_under_a_banner(cut_off, monkeypatch, lang):
    monkeypatch.setenv("ASSISTANCE_DB", cut_off[2])
    app = open_page("pages/overview.py", lang)
    assert not app.exception
    banner = " ".join(w.value for w in app.warning)
    assert ("unreachable since" if lang == "en" else "起无法连接数据库服务器") in banner
    assert f"{cut_off[0].unreachable_since:%Y-%m-%d %H:%M}" in banner
    assert next(m.value for m in app.metric) == "115"  # the demo's pairings, as loaded
