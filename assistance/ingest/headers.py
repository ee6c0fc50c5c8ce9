"""The activity log's columns: its ten fields, the required ones, and the header names each is recognised by.

A declaration table, apart from the matcher because the template (templates), the row checks (validate) and the
re-uploadable exports (export.writers) read it too. The one header matcher, and the registry's and plans' tables
beside the activity kind built from this one, are ingest.fields; the layout is docs/contracts.md, "Activity log
file".
"""

from __future__ import annotations

FIELDS = ("date", "university", "school", "county", "measure", "title", "teachers", "students", "hours", "notes")
REQUIRED = ("date", "university", "measure", "title")
PLACE_FIELDS = ("school", "county")

# Header aliases, compared after fields.header_key (NFKC, case folded, spaces and punctuation removed).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("日期", "活动日期", "开展日期", "时间", "活动时间", "开展时间", "日期(年月日)", "date", "activity date",
             "day"),
    "university": ("帮扶高校", "高校", "大学", "帮扶大学", "托管高校", "部属高校", "帮扶单位", "高校名称", "university",
                   "univ", "university name"),
    "school": ("受援学校", "学校", "受援校", "受援中学", "托管学校", "帮扶学校", "被帮扶学校", "县中", "学校名称",
               "受援学校名称", "school", "school name", "high school"),
    "county": ("受援县", "县", "县区", "区县", "县(区)", "县(市、区)", "受援县(区)", "受援县区", "所在县", "所在县区",
               "county", "district", "county name"),
    "measure": ("帮扶举措", "举措", "帮扶措施", "措施", "举措类型", "活动类型", "类型", "类别", "帮扶类型", "帮扶方式",
                "measure", "measure code", "type", "category"),
    "title": ("活动名称", "名称", "活动", "活动主题", "主题", "活动内容", "内容", "活动标题", "标题", "title",
              "activity", "activity name", "name"),
    "teachers": ("参与教师人数", "教师人数", "参与教师", "教师", "教师数", "参与教师数", "teachers", "teacher count",
                 "number of teachers", "no. of teachers"),
    "students": ("参与学生人数", "学生人数", "参与学生", "学生", "学生数", "参与学生数", "students", "student count",
                 "number of students", "no. of students"),
    "hours": ("时长（小时）", "时长", "小时", "时长(h)", "学时", "小时数", "时长/小时", "活动时长", "hours", "duration",
              "duration (hours)", "hours (h)"),
    "notes": ("备注", "说明", "附注", "备注说明", "notes", "note", "remarks", "remark", "comment", "comments"),
}  # fmt: skip
