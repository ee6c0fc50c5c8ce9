"""Done-when of issue 9: on `init --empty` plus a registry import over the three tiers every page renders, and
importing the same file again reports every row unchanged. (The benchmark, bench/bench_registry.py, does the
same with 2,000 pairings and times it.)"""

from __future__ import annotations

import duckdb
import pytest

from assistance.bootstrap import initialise
from assistance.registry.importer import RegistryImport
from bench.bench_registry import generate
from tests.conftest import open_page

PAGES = ("pages/overview.py", "pages/map.py", "pages/universities.py", "pages/schools.py", "pages/upload.py",
         "pages/registry.py", "pages/about.py")  # fmt: skip


@pytest.fixture(scope="module")
def three_tier_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiers")
    path, registry = folder / "tiers.duckdb", folder / "registry.csv"
    initialise(path, empty=True)
    tiers = generate(registry, 300)
    con = duckdb.connect(str(path))
    try:
        first = RegistryImport(con, registry).run()
        assert (first.inserted, first.rejected) == (300, 0), first.to_dict("en")
        again = RegistryImport(con, registry).run()
        assert (again.unchanged, again.inserted, again.changed) == (300, 0, 0)
        counts = dict(con.execute("SELECT tier, count(*) FROM pairing_overview GROUP BY tier").fetchall())
    finally:
        con.close()
    assert counts == {
        "national": 29 + tiers["national"],
        "provincial": tiers["provincial"],
        "municipal": tiers["municipal"],
    }  # fmt: skip  (real national rows replaced the 86 demo ones)
    return path


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_three_tier_registry(three_tier_db, monkeypatch, page):
    monkeypatch.setenv("ASSISTANCE_DB", str(three_tier_db))
    for lang in ("zh", "en"):
        app = open_page(page, lang)
        assert not app.exception, [e.value for e in app.exception]
