"""Every visible string exists in Chinese and English, and every key the code uses is defined."""

import csv
import re
import string

import pytest

from assistance.i18n import catalogue, normalise_language, t
from tests.conftest import REPO

KEY_USE = re.compile(r"""(?:\bt|page_header\(ctx,)\(?\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
# A key built at run time, t(f"map.metric.{metric}"): its fixed prefix must start some defined key.
KEY_PREFIX_USE = re.compile(r"""\bt\(\s*f["']([a-z_]+\.[a-z0-9_.]*)\{""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(catalogue()))
def test_key_has_both_languages_with_the_same_placeholders(key):
    pair = catalogue()[key]
    assert len(pair) == 2, f"{key} must be (zh, en)"
    zh, en = pair
    assert zh.strip(), f"{key} has no Chinese text"
    assert en.strip(), f"{key} has no English text"
    assert placeholders(zh) == placeholders(en), f"{key}: placeholders differ"


def source_files():
    yield REPO / "app.py"
    yield from (REPO / "pages").glob("*.py")
    yield from (p for p in (REPO / "assistance").rglob("*.py") if "strings" not in p.parts)


def uses(pattern: re.Pattern) -> set[tuple[str, str]]:
    """(file, matched key or key prefix) for every use of `pattern` in the code."""
    return {
        (str(path.relative_to(REPO)), key)
        for path in source_files()
        for key in pattern.findall(path.read_text(encoding="utf-8"))
    }


def test_every_key_used_in_code_is_defined():
    missing = sorted(f"{path}: {key}" for path, key in uses(KEY_USE) if key not in catalogue())
    assert not missing, f"keys used but not defined: {missing}"


def test_every_key_prefix_used_in_code_is_defined():
    defined = catalogue()
    missing = sorted(
        f"{path}: {prefix}…" for path, prefix in uses(KEY_PREFIX_USE) if not any(k.startswith(prefix) for k in defined)
    )
    assert not missing, f"key prefixes used but no key defined under them: {missing}"


def test_measure_labels_have_one_source():
    """A measure's labels are reference data (data/measures.csv, both languages), not catalogue strings."""
    assert not [key for key in catalogue() if key.startswith("measure.")]
    with open(REPO / "data" / "measures.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(row["label_zh"].strip() and row["label_en"].strip() for row in rows)


def test_language_falls_back_to_chinese():
    assert normalise_language(None) == "zh"
    assert normalise_language("EN-us") == "en"
    assert normalise_language("fr") == "zh"
    assert t("nav.overview") == "总览" and t("nav.overview", "en") == "Overview"


@pytest.mark.parametrize(
    ("lang", "total", "expected"),
    [("en", 1, "1 row · page 1 of 1"), ("en", 1234, "1,234 rows · page 1 of 1"), ("zh", 1, "共 1 行 · 第 1 / 1 页")],
)
def test_the_line_under_a_list_counts_its_rows_in_good_english(lang, total, expected):
    from types import SimpleNamespace

    from assistance.web.tables import rows_caption

    ctx = SimpleNamespace(t=lambda key, **values: t(key, lang, **values), number=lambda n: f"{n:,}")
    assert rows_caption(ctx, total, 1, 1) == expected
