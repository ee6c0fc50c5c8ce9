"""Every visible string exists in Chinese and English, and every key the code uses is defined."""

import re
import string

import pytest

from assistance.i18n import catalogue, normalise_language, t
from tests.conftest import REPO

KEY_USE = re.compile(r"""(?:\bt|page_header\(ctx,)\(?\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")


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


def test_every_key_used_in_code_is_defined():
    defined = set(catalogue())
    missing = {
        f"{path.relative_to(REPO)}: {key}"
        for path in source_files()
        for key in KEY_USE.findall(path.read_text(encoding="utf-8"))
        if key not in defined
    }
    assert not missing, f"keys used but not defined: {sorted(missing)}"


def test_language_falls_back_to_chinese():
    assert normalise_language(None) == "zh"
    assert normalise_language("EN-us") == "en"
    assert normalise_language("fr") == "zh"
    assert t("nav.overview") == "总览" and t("nav.overview", "en") == "Overview"
