"""Deterministic demo problems and good-practice cases (every row `provenance = 'demo'`), part of `init`.

About one problem per three pairings, all on demo pairings (never on the verified ones, whose schools are real) or
on the counties and provinces of demo pairings: realistic categories, ages, due dates and statuses, each with the
history of its status changes; and about twenty cases of demo pairings, most of them selected, citing as evidence
their pairings' demo activities and, where the case's categories have one, a demo outcome figure of their school
(only what existed when the case was written: activities up to that day, school years ended before it). The wording is generic (本校, 帮扶高校, 县教育局): no real school is named
in an invented problem or case. The same seed and end day give the same rows (the style of reference.sample).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from unicodedata import normalize

import duckdb
import pandas as pd

from assistance.store.db import title_key_sql
from assistance.store.transaction import transaction

SEED = 20221010
DEMO_USER = "示例数据"  # who the demo history names
PROBLEMS_PER_PAIRING = 1 / 3
# Cases per new pairing of a national-scale demo (load_tier_guidance); init's demo has one per template.
CASES_PER_PAIRING = 1 / 50

# category → (title, description, who raises it, the level that must act, a resolution)
PROBLEM_TEMPLATES: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {
    "teachers": (
        ("派驻教师周转房不足，难以长期留任", "帮扶高校派驻的教师只能在校外租房，通勤时间长、费用自理，部分教师提出提前结束派驻。",
         "school", "county", "县政府协调腾出教师周转房，派驻教师已全部入住，派驻期延长至一学年。"),
        ("物理、化学骨干教师流失，学科教师结构性短缺", "近两年有多名物理、化学骨干教师调往市区学校，高二选考科目开课困难。",
         "school", "county", "县教育局补充招聘学科教师，帮扶高校安排研究生支教补齐课时。"),
        ("青年教师占比高，缺少学科带头人", "35 岁以下教师超过四成，教研组长多由年轻教师兼任，备课与命题质量不稳定。",
         "university", "university", "建立双导师制，帮扶高校与附属中学骨干教师结对指导青年教师。"),
    ),
    "funding": (
        ("帮扶专项经费拨付滞后", "本年度帮扶专项经费至第二学期仍未拨付到校，外出跟岗研修和研学营活动只能延期。",
         "university", "province", "省级财政按季度拨付专项经费，已补拨本年度全部经费。"),
        ("县级配套经费未落实", "协议约定的县级配套经费未列入年度预算，驻校团队工作经费依靠高校垫付。",
         "university", "county", "县政府将配套经费列入下年度预算并补足当年缺口。"),
        ("教师外出研修差旅费用报销困难", "教师赴帮扶高校跟岗研修的差旅费用超出学校公用经费承受范围。",
         "school", "county", "县教育局统一列支跟岗研修差旅经费。"),
    ),
    "intake": (
        ("优质生源外流至市区学校", "中考成绩前列的学生大量流向市区民办学校，本校高一新生入口成绩逐年下降。",
         "school", "province", "省级出台招生管理规定，规范跨县招生，本县优质生源本地就读率回升。"),
        ("跨县招生秩序不规范", "外县学校提前组织“掐尖”招生，影响本校录取计划执行。",
         "county", "province", "省级教育部门开展招生秩序专项督导，违规学校已被通报整改。"),
    ),
    "management": (
        ("中层管理队伍薄弱，教学常规执行不到位", "教务、德育部门负责人均为兼职，听评课、作业检查等制度落实不够。",
         "university", "university", "驻校团队牵头修订教学常规制度，建立中层干部月度述职机制。"),
        ("教学质量监测与数据分析机制缺失", "学校缺少考试数据分析能力，难以对薄弱学科和学生进行精准指导。",
         "school", "university", "帮扶高校开发质量监测分析模板并培训学校数据管理员。"),
    ),
    "facilities": (
        ("教师周转宿舍紧缺", "新入职教师和支教研究生无处住宿，部分人员只能借住学生宿舍。",
         "school", "county", "县政府改造闲置校舍为教师周转宿舍，新增床位满足需求。"),
        ("实验室设备老化，无法开设分组实验", "物理、化学、生物实验室设备老化，分组实验开出率不足一半。",
         "school", "county", "县财政安排专项资金更新实验设备，帮扶高校捐赠部分仪器。"),
        ("学生宿舍床位不足，大班额问题突出", "在校生增加后宿舍床位紧张，部分班级人数超过 60 人。",
         "county", "province", "省级项目支持新建学生宿舍楼，已开工建设。"),
    ),
    "policy": (
        ("支教研究生待遇与保障政策不明确", "支教研究生的生活补助、保险和交通补贴由哪一方承担没有明确规定。",
         "university", "ministry", "教育部明确支教研究生保障由派出高校和受援地共同承担。"),
        ("派驻人员职称评审与考核政策衔接不畅", "派驻校长和教师在受援学校的工作业绩在原单位职称评审中认定不一致。",
         "university", "province", "省级人社、教育部门联合发文，派驻经历计入职称评审业绩。"),
        ("县级编制核定与派驻人员身份衔接不畅", "派驻副校长在学校没有正式职务，难以参与学校决策。",
         "university", "county", "县委组织部明确派驻人员挂职身份和分工。"),
    ),
    "other": (
        ("同步课堂网络带宽不足", "远程同步课堂经常卡顿，影响与帮扶高校附属中学的联合教研。",
         "school", "county", "县教育局完成校园网络扩容改造。"),
        ("家校沟通渠道不畅，留守学生学习状态不稳定", "留守学生占比高，家长很少参与学校活动。",
         "school", "university", "帮扶高校组织家庭教育讲座并建立班级家长联络机制。"),
    ),
}  # fmt: skip
AREA_TEMPLATES = (
    ("county", "policy", "全县县中教师编制缺口较大", "全县三所县中专任教师缺编，新招聘计划难以覆盖学科缺口。",
     "county", "province"),
    ("county", "funding", "县中振兴配套资金落实不到位", "县中振兴计划的县级配套资金连续两年未足额到位。",
     "county", "county"),
    ("province", "intake", "全省县中生源流失问题需统筹治理", "多个县反映优质初中毕业生流向城区学校，需省级统筹招生政策。",
     "province", "province"),
    ("province", "policy", "跨省派驻人员管理办法待出台", "部属高校派驻人员的考核、保障和管理缺少全省统一办法。",
     "province", "ministry"),
)  # fmt: skip
# Status paths: (status now, the moves it took: (status, comment) after the first)
STATUS_PATHS = (
    ("open", ()),
    ("in_progress", (("in_progress", "已召开专题协调会，明确责任单位。"),)),
    ("constrained", (("in_progress", "已提交县政府研究。"), ("constrained", "涉及编制和经费，需上级统筹后才能推进。"))),
    ("resolved", (("in_progress", "已列入本学期重点工作。"), ("resolved", None))),
    ("discontinued", (("discontinued", None),)),
)
STATUS_WEIGHTS = (0.2, 0.25, 0.12, 0.36, 0.07)
AGES = {"open": (3, 100), "in_progress": (15, 220), "constrained": (60, 420), "resolved": (40, 540),
        "discontinued": (40, 540)}  # fmt: skip

# Cases: (title, measures, categories, tags, before, done, after)
CASE_TEMPLATES = (
    ("双导师跟岗研修，缩短青年教师成长周期", ("shadowing", "teacher_training"), ("teachers",), ("跟岗", "青年教师", "双导师"),
     "本校青年教师占比超过四成，缺少有经验的学科带头人，新教师独立承担高三教学的时间偏长。",
     "帮扶高校遴选附属中学骨干教师与本校教师结对，每学期安排青年教师赴附属中学跟岗研修一个月，返校后上汇报课并由双导师点评。",
     "两年来参与跟岗的青年教师全部开出校级公开课，其中多人在市级优质课评比中获奖，学科组命题质量明显提高。"),
    ("城区骨干教师走教，补齐选科师资缺口", ("teacher_visit",), ("teachers", "intake"), ("走教", "新高考", "选科"),
     "新高考选科后，地理、生物等科目师资不足，部分选科组合无法开设，学生只能被动调整选科。",
     "在县教育局统筹下，帮扶高校协调城区学校骨干教师每周固定两天到本校走教，同时带教本校教师共同备课。",
     "选科组合由 6 种增加到 10 种，走教教师带出本校学科教师 4 名，学生选科满意度明显提升。"),
    ("驻校团队牵头重建教学常规管理", ("resident_team",), ("management",), ("驻校团队", "教学常规", "制度建设"),
     "学校教学常规执行松散，听评课、作业检查流于形式，中层干部职责不清。",
     "派驻校长带领驻校团队梳理教学管理制度，建立中层干部月度述职和教学巡查制度，每周开展推门听课。",
     "教学常规检查覆盖全部学科，教师听评课次数翻番，学校在全县教学管理评估中进入前列。"),
    ("研究生支教团常态化驻校，缓解结构性缺编", ("student_teaching",), ("teachers",), ("支教", "研究生", "缺编"),
     "音乐、美术、信息技术等学科长期缺编，课程开不齐，部分主科教师课时严重超标。",
     "帮扶高校每学年派出研究生支教团驻校一年，承担紧缺学科教学并参与学生社团和心理辅导。",
     "紧缺学科课程全部开齐开足，主科教师周课时平均减少 3 节，学生社团由 5 个增加到 18 个。"),
    ("县校共建教师周转房，让派驻教师留得住", ("resident_team", "other"), ("facilities", "teachers"), ("周转房", "派驻教师", "保障"),
     "派驻教师和支教研究生只能在校外租房，通勤不便，派驻期满后续派意愿低。",
     "帮扶高校与县政府协商，改造闲置校舍为教师周转宿舍，县财政负责改造经费，学校负责日常管理。",
     "新增周转宿舍 30 间，派驻教师续派比例由不足一半提高到八成以上。"),
    ("帮扶经费清单化管理，专项资金按季度拨付", ("other",), ("funding", "policy"), ("经费", "清单管理", "省级统筹"),
     "帮扶专项经费拨付时间不确定，研修、研学等活动经常因经费未到位而推迟。",
     "省级教育部门与财政部门建立帮扶经费清单，按“一校一策”计划核定额度，按季度拨付并公开使用进度。",
     "经费到位时间平均提前两个月，年度计划活动完成率达到九成以上。"),
    ("高校专家驻点指导选课走班与生涯规划", ("teaching_research",), ("management", "intake"), ("选课走班", "生涯规划", "新高考"),
     "学校首次实施选课走班，排课冲突多，学生和家长对选科缺乏了解。",
     "帮扶高校教育学院专家驻点两周，指导排课方案和走班管理，并为高一学生开设生涯规划课程。",
     "走班排课一次成功，学生选科调整率明显下降，家长满意度调查结果良好。"),
    ("寒暑假研学营激发学习动力，稳定本地生源", ("student_camp",), ("intake",), ("研学营", "生源", "学习动力"),
     "本县优质初中毕业生外流明显，学生对升入县中缺少信心。",
     "帮扶高校每年寒暑假为本校和县内初中学生举办研学营，走进实验室和课堂，并邀请校友分享成长经历。",
     "参加研学营的初三学生中选择本校就读的比例逐年提高，县中中考录取分数线稳步上升。"),
    ("实验室开放日带动县中实验教学", ("lab_open_day",), ("facilities",), ("实验教学", "开放日", "科学素养"),
     "学校实验设备不足，分组实验开出率低，学生动手能力弱。",
     "帮扶高校定期组织学生到重点实验室参加开放日，同时培训本校实验教师并捐赠部分实验仪器。",
     "分组实验开出率由不足一半提高到九成，学生在省级科技创新比赛中首次获奖。"),
    ("线上集体备课常态化，共享优质教学资源", ("teaching_research",), ("teachers",), ("集体备课", "线上教研", "资源共享"),
     "学校各学科备课组力量薄弱，同一学科只有 2–3 名教师，教研活动难以开展。",
     "帮扶高校附属中学与本校同学科教师每周开展一次线上集体备课，共享教案、课件和试题。",
     "线上集体备课覆盖全部高考学科，教师教案质量和课堂效率明显提升。"),
    ("管理干部跟岗挂职，全程参与附属中学治理", ("shadowing", "principal_training"), ("management",), ("跟岗", "挂职", "管理干部"),
     "学校中层干部缺少系统的管理培训，对现代学校治理理解不足。",
     "选派副校长和中层干部到帮扶高校附属中学跟岗挂职一学期，全程参与行政例会、教学管理和年级管理。",
     "挂职干部返校后牵头完成学校章程修订和年级组管理改革。"),
    ("省级统筹解决支教研究生食宿交通保障", ("student_teaching",), ("policy", "funding"), ("支教", "保障", "省级统筹"),
     "支教研究生的食宿、交通和保险由哪一方负担不明确，影响支教团的稳定派出。",
     "省级教育部门出台支教研究生保障办法，明确受援县负责食宿，省级财政补助交通和保险。",
     "全省支教研究生保障标准统一，支教团派出规模扩大。"),
    ("“走教+网络教研”双轨并行，薄弱学科一年见效", ("teacher_visit", "teaching_research"), ("teachers",), ("走教", "网络教研", "薄弱学科"),
     "本校英语、物理两科成绩长期落后于全市平均水平。",
     "城区名师每两周到校走教一次，其余时间通过网络教研跟进本校教师的备课和课堂。",
     "一年后两科成绩与全市平均水平的差距缩小一半以上。"),
    ("高考备考数据诊断，精准提升本科上线率", ("teaching_research",), ("management",), ("数据诊断", "高考备考", "精准教学"),
     "学校备考主要依靠经验，缺少对考试数据的分析。",
     "帮扶高校专家团队建立考试数据诊断模型，每次大型考试后分析到班、到人，制定分层辅导计划。",
     "本科上线人数连续两年增加，临界生转化率明显提高。"),
    ("帮扶问题月报与县级联席会议制度", ("other",), ("policy", "other"), ("联席会议", "问题台账", "协调机制"),
     "帮扶过程中遇到的编制、经费、住房等问题分散在不同部门，久拖不决。",
     "县政府建立帮扶工作联席会议制度，学校每月报送困难问题台账，县领导每季度专题协调。",
     "台账中的问题平均处理时间由半年以上缩短到两个月以内。"),
    ("名师工作室下沉县中，培养本土学科带头人", ("teacher_training",), ("teachers",), ("名师工作室", "学科带头人", "教师培训"),
     "学校缺少市级以上骨干教师，学科发展缺少领头人。",
     "帮扶高校在本校设立名师工作室分站，由高校教授和特级教师定期指导，工作室成员承担校本研修任务。",
     "三年内培养市级骨干教师 6 名，工作室成员主持市级课题 2 项。"),
    ("家校共育讲座改善留守学生学习状态", ("other",), ("other", "intake"), ("家校共育", "留守学生", "心理健康"),
     "留守学生比例高，部分学生学习动力不足、心理问题较多。",
     "帮扶高校心理学专业团队为家长开设线上家庭教育讲座，并为班主任提供心理辅导培训。",
     "家长参与率明显提高，学生心理咨询个案得到及时干预。"),
    ("规范招生秩序，遏制跨区抢生源", ("other",), ("intake", "policy"), ("招生秩序", "督导", "生源"),
     "外县学校提前“掐尖”招生，本县优质生源大量流失。",
     "省级教育部门开展招生秩序专项督导，统一招生时间和录取批次，县教育局同步加强宣传。",
     "本县优质生源本地就读率提高，县中录取平均分回升。"),
    ("班主任专业化培训提升班级管理水平", ("teacher_training",), ("management",), ("班主任", "班级管理", "培训"),
     "年轻班主任多，班级管理经验不足，学生行为习惯问题突出。",
     "帮扶高校组织班主任专题培训和跟岗学习，建立班主任工作坊定期交流案例。",
     "班级管理考核优良率提高，学生违纪事件明显减少。"),
    ("设备捐赠与实验技能培训同步推进", ("lab_open_day", "teacher_training"), ("facilities", "funding"), ("实验设备", "捐赠", "实验技能"),
     "实验室设备陈旧，部分仪器无人会用。",
     "帮扶高校捐赠一批实验仪器，同时为实验教师开设为期一周的实验技能培训并跟踪指导。",
     "新设备全部投入使用，实验课开出率和学生实验操作考核成绩明显提高。"),
)  # fmt: skip
# The outcome indicators a case of a problem category cites (the categories without one cite none).
CITED_INDICATORS = {
    "teachers": ("teachers_masters", "teachers_left"),
    "intake": ("top_intake_local_pct",),
    "facilities": ("large_classes",),
    "management": ("teachers_senior",),
    "other": ("students",),
}
# The templates' statuses in order: eleven selected (between them every problem category), four recommended, three
# drafts, two sent back.
CASE_STATUSES = ("selected",) * 10 + ("recommended",) * 4 + ("selected",) + ("draft",) * 3 + ("returned",) * 2


@dataclass(frozen=True)
class DemoPlace:
    pairing_id: int
    county_adcode: str
    province_code: str
    start_date: date


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


def generate_problems(
    places: list[DemoPlace],
    end: date,
    seed: int = SEED,
    pairings: int | None = None,
    taken: frozenset[tuple[str, date, str]] = frozenset(),
) -> tuple[list[dict], list[dict]]:
    """(problems, history rows), numbered from 1: about one problem per three of the database's `pairings` (default:
    the places), all on the demo pairings `places`, a few of them a county's or a province's (of a demo pairing's
    county and province). A problem whose natural key (scope key, raised day, title) is `taken` (already in the
    database) is left out."""
    rng = random.Random(seed)
    count = round((pairings or len(places)) * PROBLEMS_PER_PAIRING)
    areas = AREA_TEMPLATES[: min(len(AREA_TEMPLATES), count // 4)]
    chosen = sorted(rng.sample(places, min(count - len(areas), len(places))), key=lambda p: p.pairing_id)
    items = [(place, None) for place in chosen] + [(rng.choice(places), template) for template in areas]
    problems, events = [], []
    number = 0
    for place, area in items:
        if area is not None:
            scope, category, title, description, raised_by, owner = area
            resolution = "省级统筹协调后已落实。"
        else:
            scope, category = "pairing", rng.choice(list(PROBLEM_TEMPLATES))
            title, description, raised_by, owner, resolution = rng.choice(PROBLEM_TEMPLATES[category])
        status, path = rng.choices(STATUS_PATHS, weights=STATUS_WEIGHTS)[0]
        youngest, oldest = AGES[status]  # days before `end`: a recent problem is more often still open
        raised = max(place.start_date, end - timedelta(days=rng.randint(youngest, oldest)))
        due = raised + timedelta(days=rng.choice((30, 45, 60, 90, 120, 180))) if rng.random() < 0.8 else None
        day, history = raised, [(raised, None, "open", None)]
        for moved, comment in path:
            day = min(end, day + timedelta(days=rng.randint(3, 45)))
            said = comment or (resolution if moved == "resolved" else "问题已不在本项目范围内，转交有关部门。")
            history.append((day, history[-1][2], moved, said))
        key = {"pairing": f"pairing:{place.pairing_id}", "county": f"county:{place.county_adcode}",
               "province": f"province:{place.province_code}"}[scope]  # fmt: skip
        if (key, raised, title) in taken:
            continue
        number += 1
        closed = status in ("resolved", "discontinued")
        problems.append({
            "number": number, "scope": scope, "pairing_id": place.pairing_id if scope == "pairing" else None,
            "county_adcode": place.county_adcode if scope == "county" else None,
            "province_code": place.province_code if scope == "province" else None, "scope_key": key,
            "raised_by": raised_by, "raised_on": raised, "category": category, "title": title,
            "description": description, "owner_level": owner, "status": status, "due_date": due,
            "resolution": history[-1][3] if closed else None, "resolved_on": history[-1][0] if closed else None,
            "version": len(history), "created_at": _at(raised, 9), "updated_at": _at(history[-1][0], 16),
        })  # fmt: skip
        for version, (when, old, new, comment) in enumerate(history, start=1):
            events.append({"number": number, "occurred_at": _at(when, 9 + version), "from_status": old,
                           "to_status": new, "comment": comment, "version": version})  # fmt: skip
    return problems, events


def _case_places(rng: random.Random, places: list[DemoPlace], count: int | None) -> list[DemoPlace]:
    """The pairings the cases are written for, one each: `count` of the places (default: one per template)."""
    return rng.sample(places, min(len(CASE_TEMPLATES) if count is None else count, len(places)))


def case_places(places: list[DemoPlace], seed: int = SEED, count: int | None = None) -> list[DemoPlace]:
    """The places `generate_cases` writes its cases for, with the same arguments (to read only their activities)."""
    return _case_places(random.Random(seed + 1), places, count)


def generate_cases(
    places: list[DemoPlace],
    activities: pd.DataFrame,
    end: date,
    seed: int = SEED,
    outcomes: pd.DataFrame | None = None,
    count: int | None = None,
) -> tuple[list[dict], list[dict], list[dict], list[dict], list[dict]]:
    """(cases, case pairings, evidence, history, cited outcome figures), numbered from 1: one case per template (or
    `count` cases, the templates and their statuses taken in turn) on a demo pairing, citing up to three of its
    activities of the case's measures dated up to the day it was written, and the figures of the indicators its
    categories name (CITED_INDICATORS) of the last school year that had ended by then (`outcomes`: pairing_id,
    school_id, school_year, indicator of the demo schools)."""
    rng = random.Random(seed + 1)
    chosen = _case_places(rng, places, count)
    if outcomes is None:
        outcomes = pd.DataFrame(columns=["pairing_id", "school_id", "school_year", "indicator"])
    cases, pairings, cited, events, figures = [], [], [], [], []
    for number, place in enumerate(chosen, 1):
        template = CASE_TEMPLATES[(number - 1) % len(CASE_TEMPLATES)]  # in turn, with its status
        status = CASE_STATUSES[(number - 1) % len(CASE_STATUSES)]
        title, measures, categories, tags, before, done, after = template
        # Written at least a term into its pairing (a national-scale demo's new pairings started 2023–2025).
        created = max(end - timedelta(days=rng.randint(60, 400)), min(end, place.start_date + timedelta(days=90)))
        own = activities[(activities["pairing_id"] == place.pairing_id) & activities["measure"].isin(measures)
                         & (pd.to_datetime(activities["date"]).dt.date <= created)]  # fmt: skip
        for activity_id in own.sort_values("date")["activity_id"].tail(3):
            cited.append({"number": number, "id": int(activity_id)})
        wanted = [name for category in categories for name in CITED_INDICATORS.get(category, ())]
        ended = created.year - (1 if created.month >= 9 else 2)  # the last school year over by `created`
        school = outcomes[(outcomes["pairing_id"] == place.pairing_id) & outcomes["indicator"].isin(wanted)
                          & (outcomes["school_year"] <= ended)]  # fmt: skip
        if len(school):
            latest = school[school["school_year"] == school["school_year"].max()]
            for row in latest.sort_values("indicator").itertuples():
                figures.append({"number": number, "school_id": int(row.school_id), "school_year": int(row.school_year),
                                "indicator": row.indicator})  # fmt: skip
        pairings.append({"number": number, "id": place.pairing_id})
        moves = {"draft": (), "recommended": ("recommended",), "selected": ("recommended", "selected"),
                 "returned": ("recommended", "returned")}[status]  # fmt: skip
        day, history = created, [(created, None, "draft", None)]
        for moved in moves:
            day = min(end, day + timedelta(days=rng.randint(7, 40)))
            comment = "请补充成效数据和活动证据。" if moved == "returned" else None
            history.append((day, history[-1][2], moved, comment))
        cases.append({
            "number": number, "title": title, "measures": list(measures), "categories": list(categories),
            "tags": list(tags), "before_text": before, "action_text": done, "after_text": after, "status": status,
            "version": len(history), "created_at": _at(created, 10), "updated_at": _at(history[-1][0], 15),
        })  # fmt: skip
        for when, old, new, comment in history:
            events.append({"number": number, "occurred_at": _at(when, 11), "from_status": old, "to_status": new,
                           "comment": comment})  # fmt: skip
    return cases, pairings, cited, events, figures


def _places(con: duckdb.DuckDBPyConnection, end: date, tier: str | None = None) -> list[DemoPlace]:
    """The demo pairings still running on `end` (of `tier` if given), in pairing order."""
    rows = con.execute(
        "SELECT pairing_id, county_adcode, province_code, start_date FROM pairing_overview "
        "WHERE provenance = 'demo' AND province_code IS NOT NULL AND (end_date IS NULL OR end_date >= $end) "
        "AND ($tier IS NULL OR tier = $tier) ORDER BY pairing_id",
        {"end": end, "tier": tier},
    ).fetchall()
    return [DemoPlace(*row) for row in rows]


def _demo_outcomes(con: duckdb.DuckDBPyConnection, pairing_ids: list[int] | None = None) -> pd.DataFrame:
    """(pairing_id, school_id, school_year, indicator) of the demo figures of demo pairings' schools (of
    `pairing_ids` if given): the figures a case may cite."""
    return con.execute(
        "SELECT p.pairing_id, o.school_id, o.school_year, o.indicator FROM outcome_overview o "
        "JOIN pairings p ON p.school_id = o.school_id WHERE o.provenance = 'demo' AND p.provenance = 'demo' "
        "AND ($ids IS NULL OR list_contains($ids, p.pairing_id)) ORDER BY ALL",
        {"ids": pairing_ids},
    ).df()


def load_demo_guidance(con: duckdb.DuckDBPyConnection, end: date | None = None, seed: int = SEED) -> dict[str, int]:
    """Generate and insert the demo problems and cases (with their histories) in one transaction; nothing when the
    database has no demo pairing."""
    end = end or date.today()
    places = _places(con, end)
    if not places:
        return {"problems": 0, "cases": 0}
    total = con.execute("SELECT count(*) FROM pairings").fetchone()[0]
    problems, events = generate_problems(places, end, seed, total)
    activities = con.execute(
        "SELECT activity_id, pairing_id, measure, date FROM activities WHERE provenance = 'demo' "
        "AND pairing_id IN (SELECT pairing_id FROM pairings WHERE provenance = 'demo')"
    ).df()
    cases = generate_cases(places, activities, end, seed, _demo_outcomes(con))
    with transaction(con) as cur:
        _insert_problems(cur, problems, events)
        _insert_cases(cur, *cases)
    return {"problems": len(problems), "cases": len(cases[0])}


def load_tier_guidance(
    con: duckdb.DuckDBPyConnection, tiers: tuple[str, ...], end: date | None = None, seed: int = SEED
) -> dict[str, int]:
    """The demo problems and cases of a national-scale demo's new pairings (reference.national), in one transaction,
    beside init's (which stay): about one problem per three demo pairings of `tiers` still running on `end` (the
    generator's mix of statuses, ages and due dates: some overdue), and about one case per fifty of each tier's, so
    that every tier has cases selected by the ministry and recommended by its province. Each case cites only its
    own pairing's activities (read for the chosen pairings alone, not the whole log) and school's figures."""
    end = end or date.today()
    by_tier = {tier: _places(con, end, tier) for tier in tiers}
    places = sorted((place for group in by_tier.values() for place in group), key=lambda p: p.pairing_id)
    if not places:
        return {"problems": 0, "cases": 0}
    taken = frozenset(con.execute("SELECT scope_key, raised_on, title FROM problems").fetchall())
    problems, events = generate_problems(places, end, seed, taken=taken)
    case_sets = []
    for n, group in enumerate(by_tier.values(), start=1):
        if not group:
            continue
        count, tier_seed = max(1, round(len(group) * CASES_PER_PAIRING)), seed + 100 * n
        ids = [place.pairing_id for place in case_places(group, tier_seed, count)]
        activities = con.execute(
            "SELECT activity_id, pairing_id, measure, date FROM activities WHERE list_contains(?, pairing_id) "
            "ORDER BY activity_id",
            [ids],
        ).df()
        case_sets.append(generate_cases(group, activities, end, tier_seed, _demo_outcomes(con, ids), count))
    with transaction(con) as cur:
        if problems:
            _insert_problems(cur, problems, events)
        for cases in case_sets:
            _insert_cases(cur, *cases)
    return {"problems": len(problems), "cases": sum(len(cases[0]) for cases in case_sets)}


def _numbered(cur: duckdb.DuckDBPyConnection, name: str, rows: list[dict], sequence: str) -> None:
    """`rows` (each with a `number`) as the temp table `name`, with `id_of_number` ids drawn from `sequence`."""
    cur.register(f"{name}_in", pd.DataFrame(rows))
    cur.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_in")
    cur.unregister(f"{name}_in")
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE {name}_ids AS SELECT number, nextval('{sequence}') AS id "
        f"FROM (SELECT number FROM {name} ORDER BY number)"
    )


def _insert_problems(cur: duckdb.DuckDBPyConnection, problems: list[dict], events: list[dict]) -> None:
    _numbered(cur, "demo_problems", [{**row, "title_nfkc": normalize("NFKC", row["title"])} for row in problems],
              "seq_problem")  # fmt: skip
    cur.execute(
        f"""INSERT INTO problems (problem_id, scope, pairing_id, county_adcode, province_code, scope_key, raised_by,
            raised_on, category, title, title_key, description, owner_level, status, due_date, resolution,
            resolved_on, version, provenance, created_by, created_at, updated_by, updated_at)
        SELECT i.id, scope, CAST(pairing_id AS INTEGER), county_adcode, province_code, scope_key, raised_by,
            CAST(raised_on AS DATE), category, title, {title_key_sql("title_nfkc")}, description, owner_level,
            status, CAST(due_date AS DATE), resolution, CAST(resolved_on AS DATE), version, 'demo', $user,
            created_at, $user, updated_at
        FROM demo_problems p JOIN demo_problems_ids i USING (number) ORDER BY i.id""",
        {"user": DEMO_USER},
    )
    cur.register("demo_problem_events", pd.DataFrame(events))
    cur.execute(
        "INSERT INTO problem_history (problem_id, occurred_at, username, from_status, to_status, comment, version) "
        "SELECT i.id, occurred_at, $user, from_status, to_status, comment, version FROM demo_problem_events "
        "JOIN demo_problems_ids i USING (number) ORDER BY occurred_at, i.id",
        {"user": DEMO_USER},
    )
    cur.unregister("demo_problem_events")


def _insert_cases(
    cur, cases: list[dict], pairings: list[dict], cited: list[dict], events: list[dict], figures: list[dict]
) -> None:
    _numbered(cur, "demo_cases", cases, "seq_case")
    cur.execute(
        """INSERT INTO cases (case_id, title, measures, categories, tags, before_text, action_text, after_text, status,
            version, provenance, created_by, created_at, updated_by, updated_at)
        SELECT i.id, title, measures, categories, tags, before_text, action_text, after_text, status, version,
            'demo', $user, created_at, $user, updated_at FROM demo_cases JOIN demo_cases_ids i USING (number)
        ORDER BY i.id""",
        {"user": DEMO_USER},
    )
    for table, rows in (("case_pairings", pairings), ("case_evidence", cited)):
        if rows:
            cur.register("demo_links", pd.DataFrame(rows))
            cur.execute(f"INSERT INTO {table} SELECT i.id, l.id FROM demo_links l JOIN demo_cases_ids i USING (number)")
            cur.unregister("demo_links")
    if figures:
        cur.register("demo_figures", pd.DataFrame(figures))
        cur.execute(
            "INSERT INTO case_outcomes SELECT i.id, f.school_id, f.school_year, f.indicator FROM demo_figures f "
            "JOIN demo_cases_ids i USING (number)"
        )
        cur.unregister("demo_figures")
    cur.register("demo_case_events", pd.DataFrame(events))
    cur.execute(
        "INSERT INTO case_history (case_id, occurred_at, username, from_status, to_status, comment) "
        "SELECT i.id, occurred_at, $user, from_status, to_status, comment FROM demo_case_events "
        "JOIN demo_cases_ids i USING (number) ORDER BY occurred_at, i.id",
        {"user": DEMO_USER},
    )
    cur.unregister("demo_case_events")
