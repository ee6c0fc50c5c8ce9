"""The programme's fixed codes and dates: the one place every module takes them from."""

from __future__ import annotations

from datetime import date

CORPS_CODE = "660000"  # 新疆生产建设兵团: its own unit, beside 新疆 (650000)
XINJIANG_CODE = "650000"
HAINAN_CODE = "460000"
SANSHA_PREFIX = "4603"  # 三沙市: the South China Sea islands
PROGRAMME_START = date(2022, 9, 1)  # the first agreements' start (autumn 2022)
EARLIEST_ACTIVITY = date(2022, 6, 1)  # an activity dated before this is a typo
