"""The CJK font a PDF brief embeds: a font file on the server (Debian's fonts-wqy-microhei, which the README's
install line and CI put there, or fonts-noto-cjk), found without any download. `ASSISTANCE_BRIEF_FONT` names
another TrueType file (.ttf or .ttc); without any, the brief fails with a message that says what to install.

A CJK font holds some 20,000 glyphs, and reading all of them takes fpdf2 seconds: `subset_font` first cuts the font
down to the characters the brief uses (fontTools reads only those), so a brief is made in well under a second."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

from assistance.i18n import t

FONT_ENV = "ASSISTANCE_BRIEF_FONT"
PDF_FONT = "cjk"  # the family name a PDF brief registers its font under (its SVG map names it too)
# Known places first (no subprocess), then fontconfig's list of fonts that cover Chinese.
KNOWN_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
_TRUETYPE = (".ttf", ".ttc")  # fpdf2 embeds TrueType outlines (CFF-based .otf fonts are not taken)


class BriefError(RuntimeError):
    """A brief that cannot be made (no CJK font, an output that cannot be written): `code` names the reason
    (strings `brief.err.<code>`)."""

    def __init__(self, code: str, **values: object):
        super().__init__(code)
        self.code = code
        self.values = values

    def message(self, lang: str) -> str:
        return t(f"brief.err.{self.code}", lang, **self.values)


def _fontconfig() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())


def cjk_font() -> Path:
    """The font file a PDF brief embeds; BriefError('no_font') when the server has none."""
    configured = os.environ.get(FONT_ENV, "").strip()
    if configured:
        path = Path(configured)
        if path.is_file() and path.suffix.lower() in _TRUETYPE:
            return path
        raise BriefError("font_unusable", path=configured)
    for candidate in (*KNOWN_FONTS, *_fontconfig()):
        path = Path(candidate)
        if path.suffix.lower() in _TRUETYPE and path.is_file():
            return path
    raise BriefError("no_font")


def has_cjk_font() -> bool:
    try:
        cjk_font()
    except BriefError:
        return False
    return True


def subset_font(text: str, folder: Path) -> Path:
    """A TrueType file in `folder` holding only the glyphs of `text`'s characters (and the digits, Latin letters and
    punctuation every brief may need), cut from `cjk_font()`."""
    source = cjk_font()
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    font = TTFont(str(source), fontNumber=0, lazy=True, recalcTimestamp=False)
    try:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(set(text + _ALWAYS))))
        subsetter.subset(font)
        target = folder / "brief-font.ttf"
        font.save(str(target))
    finally:
        font.close()
    return target


_ALWAYS = "".join(chr(code) for code in range(32, 127)) + "—–−·、，。：；（）％%"
