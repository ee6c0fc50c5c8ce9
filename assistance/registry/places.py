"""Resolving place and party names the way a person reads them.

A registry row names its county as the full name (青龙满族自治县), a short name (青龙, 青龙县) or the
6-digit adcode, and its province as a name, a short name (甘肃) or a code. Names repeat across China:
新城区 is in 内蒙古 and in 陕西, 桥西区 twice in 河北, the short name 朝阳 fits 朝阳县 (辽宁) and 朝阳区
(北京, 吉林). Such a name needs the province or the city column; without them the row is rejected with the
candidates named. Keys are computed in Python over the *distinct* names of a file (a few thousand at most)
and matched in SQL, never row by row.
"""

from __future__ import annotations

import re
import unicodedata

# The 55 ethnic minorities' names as they appear in the names of autonomous counties and banners.
_ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇|"
    "柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京|"
    "塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺"
)
_UNIT_SUFFIX = re.compile(r"(?:各族)?(?:自治县|自治旗|特区|林区|县|旗|市|区)$")
_ETHNIC_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC})族?)+$")
_PREFECTURE_SUFFIX = re.compile(rf"(?:(?:{_ETHNIC})族?)*(?:自治州|地区|盟|市)$")
_PROVINCE_SUFFIX = re.compile(r"(?:(?:壮族|回族|维吾尔)?自治区|特别行政区|省|市)$")
_SPACES = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def fold(text: object) -> str:
    """NFKC (full-width forms, brackets), no whitespace (nor zero-width spaces) at all, case folded: the form
    every key starts from, and the form aliases are stored in (reference.normalise_name gives the same)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def county_short(name: object) -> str:
    """青龙满族自治县 → 青龙, 大化瑶族自治县 → 大化, 朝阳区 → 朝阳, 石河子市 → 石河子.

    A name that would shrink to a single character keeps its suffix (城区 stays 城区): one character alone
    is no name anybody writes.
    """
    folded = fold(name)
    bare = _UNIT_SUFFIX.sub("", folded)
    if len(bare) < 2:
        return folded
    without_people = _ETHNIC_SUFFIX.sub("", bare)
    if len(without_people) >= 2:
        return without_people
    return bare.removesuffix("族") if len(bare) > 2 else bare  # 鄂温克族自治旗 → 鄂温克


def prefecture_short(name: object) -> str:
    """大理白族自治州 → 大理, 石家庄市 → 石家庄, 阿勒泰地区 → 阿勒泰, 兴安盟 → 兴安."""
    folded = fold(name)
    bare = _PREFECTURE_SUFFIX.sub("", folded)
    return bare if len(bare) >= 2 else folded


def province_short(name: object) -> str:
    """广西壮族自治区 → 广西, 甘肃省 → 甘肃, 北京市 → 北京 (the Corps keeps its own names)."""
    folded = fold(name)
    bare = _PROVINCE_SUFFIX.sub("", folded)
    return bare if len(bare) >= 2 else folded


_SCHOOL_NOISE = re.compile(r"[县市第省附属]|\s")


def school_key(name: object) -> str:
    """The near-duplicate key of a school: its name without 县/市/第/省/附属 and spaces.

    Two schools in one county with the same key are probably one school written two ways
    (青龙一中 / 青龙县第一中学 do not collide; 青龙县第一中学 / 青龙第一中学 do), so the import asks
    "did you mean …" instead of creating the second.
    """
    return _SCHOOL_NOISE.sub("", fold(name).replace("附属", ""))


_PARTY_NOISE = re.compile(r"[()（）\s]|大学|学院|中学|高级|省|市")


def party_key(name: object) -> str:
    """A loose key of a supporting party's name, for "did you mean" hints only (never for matching)."""
    return _PARTY_NOISE.sub("", fold(name))


# The Corps' divisions (师) as people write them in the city column, and the Corps city each one administers.
CORPS_DIVISIONS = {
    "第一师": "阿拉尔", "第二师": "铁门关", "第三师": "图木舒克", "第四师": "可克达拉", "第五师": "双河",
    "第六师": "五家渠", "第七师": "胡杨河", "第八师": "石河子", "第十师": "北屯", "第十四师": "昆玉",
}  # fmt: skip
_DIVISION = re.compile(r"^(?:新疆生产建设兵团|兵团)?(第[一二三四五六七八九十]+师)")


def city_key(name: object) -> str:
    """The key a city (prefecture) cell is matched by: 大理白族自治州 → 大理; a Corps division → its city."""
    folded = fold(name)
    division = _DIVISION.match(folded)
    if division and division.group(1) in CORPS_DIVISIONS:
        return CORPS_DIVISIONS[division.group(1)]
    return prefecture_short(folded)


# The Corps goes by several names; 新疆 alone means the autonomous region (whose county names are matched with
# the Corps cities too, see registry.resolve).
CORPS_NAMES = ("新疆生产建设兵团", "兵团", "新疆兵团", "建设兵团", "xpcc", "corps")


def province_keys(code: str, name_zh: str, short_zh: str, name_en: str) -> set[str]:
    """Every key a province cell may be written as: full name, short name, code, English name."""
    keys = {fold(code), fold(name_zh), province_short(name_zh), fold(short_zh), fold(name_en)}
    if name_zh == "新疆生产建设兵团":
        keys.update(fold(n) for n in CORPS_NAMES)
    return {k for k in keys if k}


# The three tiers as a person writes them (docs/contracts.md, "Registry file").
TIER_NAMES = {
    "national": ("national", "国家示范", "国家", "国家级", "部属", "部属高校", "国家示范层级", "全国"),
    "provincial": ("provincial", "省级", "省", "省内", "省级示范", "province"),
    "municipal": ("municipal", "市级", "市", "地市级", "市内", "city"),
}
_TIER_LOOKUP = {fold(name): tier for tier, names in TIER_NAMES.items() for name in names}


def tier_of(text: object) -> str | None:
    """national / provincial / municipal, or None for a value that names no tier."""
    return _TIER_LOOKUP.get(fold(text))


_HIGH_SCHOOL = re.compile(r"中学|高中|附中|学校|一中|二中|三中|实验学校")
_UNIVERSITY = re.compile(r"大学|学院|大學")


def party_kind(name: object) -> str:
    """What a new supporting party is, from its name: a high school (…中学, …高中, …附中), a university
    (…大学, …学院) or another institution (an education bureau, a research society)."""
    text = fold(name)
    if _HIGH_SCHOOL.search(text):
        return "high_school"
    if _UNIVERSITY.search(text):
        return "university"
    return "institution"
