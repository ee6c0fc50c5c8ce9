"""Strings of the overview page, the coverage map and the KPI cards (issue 3)."""

STRINGS = {
    # ---- KPI cards
    "kpi.pairings": ("帮扶配对", "Pairings"),
    "kpi.pairings_help": (
        "当前筛选下的高校—学校帮扶关系数。",
        "University–school pairings in the current view.",
    ),
    "kpi.universities": ("帮扶高校", "Universities"),
    "kpi.universities_help": (
        "有配对的部属高校数（创新人才教育研究会等机构不计入）。",
        "Ministry universities with a pairing in view (institutions such as 创新人才教育研究会 not counted).",
    ),
    "kpi.provinces": ("覆盖省份", "Provinces covered"),
    "kpi.provinces_value": ("{covered}/{total}", "{covered}/{total}"),
    "kpi.provinces_corps": ("{covered}/{total} + 兵团", "{covered}/{total}+Corps"),
    "kpi.provinces_help": (
        "项目覆盖 23 个省份和新疆生产建设兵团；兵团单列，不计入 23 个省份。",
        "The programme covers 23 provinces plus the Xinjiang Production and Construction Corps; the Corps "
        "is its own unit and not one of the 23.",
    ),
    "kpi.this_semester": ("本学期活动", "Activities this semester"),
    "kpi.this_semester_delta": ("较上学期同期", "vs last term to date"),
    "kpi.this_semester_help": (
        "{semester}（{start} 起至今天）的活动数，与上学期同期（{prev_start} 至 {prev_same}，{prev_count} 项）相比；"
        "上学期全学期共 {prev_total} 项。按今天计算，不受时段筛选影响。",
        "Activities in the {semester} so far ({start} to today), against the same stretch of last semester "
        "({prev_start} to {prev_same}: {prev_count}); all of last semester: {prev_total}. Counted from today, "
        "so the period filter does not apply.",
    ),
    "kpi.activities": ("活动（所选时段）", "Activities (selected period)"),
    "kpi.activities_help": ("所选时段内记录的帮扶活动数。", "Activities recorded in the selected period."),
    "kpi.teachers": ("教师参与（人次）", "Teacher participations"),
    "kpi.teachers_help": (
        "所选时段内各项活动参与教师人数之和（人次，同一教师可多次计入）。",
        "Sum of teachers taking part in each activity in the selected period (person-times: a teacher "
        "may be counted more than once).",
    ),
    "kpi.students": ("学生参与（人次）", "Student participations"),
    "kpi.students_help": (
        "所选时段内各项活动参与学生人数之和（人次）。",
        "Sum of students taking part in each activity in the selected period (person-times).",
    ),
    "kpi.active_share": ("近 60 天有活动的配对", "Pairings active, last 60 days"),
    "kpi.active_share_help": (
        "{active}/{pairings} 对配对在 {start} 至 {today} 间有活动记录。按今天计算，不受时段筛选影响。",
        "{active} of {pairings} pairings recorded an activity between {start} and {today}. Counted from "
        "today, so the period filter does not apply.",
    ),
    "kpi.none": ("—", "—"),
    # ---- overview page
    "overview.kpis": ("关键指标", "Key figures"),
    "overview.map": ("覆盖地图", "Coverage map"),
    "overview.monthly": ("各月活动（按帮扶举措）", "Activities by month, by measure"),
    "overview.monthly_empty": ("当前筛选下没有活动记录。", "No activities in the current view."),
    "overview.open_map": ("打开覆盖地图（区县、连线）", "Open the coverage map (counties, links)"),
    # ---- map metrics
    "map.metric": ("地图指标", "Map metric"),
    "map.metric.schools": ("受援学校数", "Schools paired"),
    "map.metric.activities": ("活动数", "Activities"),
    "map.metric.participants": ("参与人次", "Participants"),
    "map.metric.per_school": ("校均活动数", "Activities per school"),
    "map.metric.active_share": ("近 60 天活跃配对占比", "Share active, last 60 days"),
    # ---- map legend and hover
    "map.legend.outside": ("非项目省份", "Outside the programme"),
    "map.legend.no_pairings": ("当前筛选下无配对", "No pairings in view"),
    "map.legend.corps": ("新疆生产建设兵团（单列）", "Xinjiang Production and Construction Corps (own unit)"),
    "map.legend.schools": ("受援学校", "Schools"),
    "map.legend.counties_other": ("无受援学校的区县", "Counties with no school"),
    "map.legend.zero": ("有受援学校，{metric}为 0", "With a school at 0 ({metric})"),
    "map.legend.corps_context": ("兵团城市（单列，不属新疆统计）", "Corps cities (own unit, not in Xinjiang)"),
    "map.legend.xinjiang_context": ("新疆维吾尔自治区", "Xinjiang Uygur Autonomous Region"),
    "map.corps_label": ("兵团", "Corps"),
    "map.scs": ("南海诸岛", "South China Sea Islands"),
    "map.hover.outside": ("不在托管帮扶项目范围内", "Not in the trusteeship programme"),
    "map.hover.no_pairings": ("当前筛选下无配对", "No pairings in the current view"),
    "map.hover.schools": ("受援学校", "Schools"),
    "map.hover.activities": ("活动", "Activities"),
    "map.hover.participants": ("参与人次", "Participants"),
    "map.hover.per_school": ("校均活动", "Per school"),
    "map.hover.active_share": ("近 60 天活跃", "Active, last 60 days"),
    "map.hover.top_universities": ("主要帮扶高校", "Main universities"),
    "map.hover.universities": ("帮扶高校", "Universities"),
    "map.hover.last_activity": ("最近活动", "Last activity"),
    "map.hover.never": ("暂无记录", "none recorded"),
    "map.hover.click": ("点击查看区县", "Click to open its counties"),
    "map.hover.provenance": ("数据来源", "Provenance"),
    "map.hover.source": ("来源", "Source"),
    "map.hover.county": ("区县", "County"),
    # ---- map page
    "map.view": ("视图", "View"),
    "map.view.coverage": ("覆盖分布", "Coverage"),
    "map.view.links": ("高校—学校连线", "University–school links"),
    "map.click_hint": (
        "点击地图上的省份（或兵团）可进入其区县视图，并同时设置省份筛选。",
        "Click a province (or the Corps) to open its counties; this also sets the province filter.",
    ),
    "map.outside_clicked": (
        "{province}不在托管帮扶项目范围内。",
        "{province} is not in the trusteeship programme.",
    ),
    "map.back": ("返回全国视图", "Back to national view"),
    "map.drilled": ("{province}：区县分布", "{province}: counties"),
    "map.drilled_caption": (
        "有受援学校的区县加深色边框，按所选指标着色，指标为 0 的标为橙黄色；浅灰区县没有受援学校；圆点为受援学校"
        "（同一县内多所学校略作错开）。",
        "Counties with a paired school are outlined and coloured by the chosen metric, amber where it is 0; pale "
        "grey counties have no school; dots are schools (several schools in one county are spread slightly).",
    ),
    "map.schools_table": ("受援学校（{count} 所）", "Schools ({count})"),
    "map.col.school": ("受援学校", "School"),
    "map.col.county": ("区县", "County"),
    "map.col.universities": ("帮扶高校", "Universities"),
    "map.col.provenance": ("数据来源", "Provenance"),
    "map.col.activities": ("活动（所选时段）", "Activities (period)"),
    "map.col.last_activity": ("最近活动", "Last activity"),
    "map.col.active": ("近 60 天活跃", "Active, 60 days"),
    "map.links.caption": (
        "每条线连接帮扶高校所在城市与受援学校所在县。实线为公开报道核实的配对，点线为示例配对，虚线为导入的配对。"
        "用侧栏“帮扶高校”筛选高校。",
        "Each line joins a university's city to its school's county. Solid lines are pairings verified "
        "from public reports, dotted lines are demo pairings, dashed lines imported ones. Pick universities in the "
        "sidebar.",
    ),
    "map.links.count": (
        "{pairings} 对配对：已核实 {verified}，示例 {demo}，导入 {imported}。",
        "{pairings} pairings: {verified} verified, {demo} demo, {imported} imported.",
    ),
    "map.links.verified": ("已核实配对（实线）", "Verified pairing (solid)"),
    "map.links.demo": ("示例配对（点线）", "Demo pairing (dotted)"),
    "map.links.imported": ("导入配对（虚线）", "Imported pairing (dashed)"),
    "map.links.university": ("帮扶高校所在城市", "University city"),
    "map.links.school_verified": ("受援学校（已核实）", "School (verified)"),
    "map.links.school_demo": ("受援学校（示例）", "School (demo)"),
    "map.links.school_imported": ("受援学校（导入）", "School (imported)"),
    "map.links.empty": ("当前筛选下没有配对。", "No pairings in the current view."),
    # ---- flows at national scale (issue 14, item 5)
    "map.links.threshold": (
        "范围内配对不超过 {limit} 对，或在侧栏选定一个省份或一所帮扶单位时，逐条画出每对配对；否则按“帮扶单位 → 省份”"
        "汇总为流向。",
        "Each pairing gets its own line when {limit} or fewer are in view, or when the sidebar selects one province or "
        "one supporting party; otherwise pairings are summed into flows from a supporting party to a province.",
    ),
    "map.flows.caption": (
        "共 {pairings} 对配对，汇总为 {flows} 条流向（帮扶单位 → 省份）：线越粗越深，配对越多；含示例配对的流向画作"
        "示例（点线），全部为已核实配对的才画实线。鼠标移到流向中点查看配对数和学校数。在侧栏选择一个省份或一所帮扶"
        "单位即可看到逐条连线。",
        "{pairings} pairings summed into {flows} flows (supporting party → province): the wider and darker, the more "
        "pairings; a flow with any demo pairing is drawn as demo (dotted), solid only when all its pairings are "
        "verified. Hover a flow's middle dot for its pairings and schools. Select one province or one supporting "
        "party in the sidebar to see its lines one by one.",
    ),
    "map.flows.title": ("帮扶单位 → 省份流向", "Flows: supporting party → province"),
    "map.flows.hover": ("{pairings} 对配对，{schools} 所受援学校", "{pairings} pairings, {schools} schools"),
    "map.flows.hover_mix": ("{provenance} {count}", "{provenance} {count}"),
    "map.flows.hub": ("{pairings} 对配对，{parties} 个帮扶单位", "{pairings} pairings, {parties} supporting parties"),
    "map.flows.middle": ("流向（悬停查看数目）", "Flow (hover for counts)"),
    "map.flows.province": ("省份（按配对数）", "Province (by pairings)"),
    # ---- no pairing in view (issue 13, item 5)
    "scope.empty": (
        "没有符合筛选条件的帮扶配对：{scope}。下面的数字、地图和列表因此都是空的。",
        "No pairing matches the filters: {scope}. The figures, the map and the lists below are empty for that reason.",
    ),
    "scope.both": ("{universities}在{province}没有受援学校", "{universities} supports no school in {province}"),
    "scope.universities": ("{universities}没有受援学校", "{universities} supports no school"),
    "scope.province": ("{province}没有受援学校", "{province} has no paired school"),
    "scope.none": ("数据库中还没有帮扶配对", "the database holds no pairing yet"),
    "scope.clear.province": ("清除省份筛选（{name}）", "Clear the province filter ({name})"),
    "scope.clear.universities": ("清除高校筛选（{name}）", "Clear the university filter ({name})"),
    "scope.clear.all": ("清除全部筛选", "Clear all filters"),
    "scope.attention": (
        "没有符合筛选条件的帮扶配对，因此没有可检查的学校。",
        "No pairing matches the filters, so there is no school to check.",
    ),
    "map.empty": ("当前筛选下没有受援学校", "No school in the current filters"),
    # ---- sample data marked where the figures stand (issue 13, item 15)
    "sample.mark": ("示例", "Sample"),
}
