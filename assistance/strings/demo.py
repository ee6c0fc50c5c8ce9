"""Strings of `python -m assistance demo`: the national-scale demo database's steps and summary."""

STRINGS = {
    "demo.step.schema": ("建立数据表", "creating tables"),
    "demo.step.reference": ("载入参考数据与国家级配对", "loading reference data and the national pairings"),
    "demo.step.demo": ("生成国家级配对的示例活动记录", "generating the national pairings' demo activities"),
    "demo.step.registry": (
        "生成省级、市级帮扶单位、学校、配对与计划",
        "making provincial and municipal parties, schools, pairings and plans",
    ),
    "demo.step.activities": ("生成活动记录", "generating the activity records"),
    "demo.step.insert": ("写入名册与计划", "writing the registry and plans"),
    "demo.step.insert_activities": ("写入活动记录", "writing the activity records"),
    "demo.step.outcomes": ("生成新学校的示例办学成效数据", "generating the new schools' demo outcomes"),
    "demo.step.guidance": (
        "生成新配对的示例困难问题与典型经验案例",
        "generating the new pairings' demo problems and good-practice cases",
    ),
    "demo.step.checkpoint": ("写入磁盘", "writing to disk"),
    "demo.step.done": ("完成", "done"),
    "demo.cli.line": (
        "[{seconds:>6.1f} 秒，CPU {cpu:>5.1f} 秒] {step}",
        "[{seconds:>6.1f} s, CPU {cpu:>5.1f} s] {step}",
    ),
    "demo.cli.summary": (
        "已生成 {path}：配对 {pairings}（国家级 {national}、省级 {provincial}、市级 {municipal}），"
        "帮扶单位 {parties}，新学校 {schools}，计划 {plans} 条，活动记录 {activities} 条，"
        "新配对的困难问题 {problems} 个、典型经验案例 {cases} 个，"
        "用时 {seconds:.1f} 秒（CPU {cpu:.1f} 秒）；全部为示例数据",
        "created {path}: {pairings} pairings (national {national}, provincial {provincial}, municipal {municipal}), "
        "{parties} supporting parties, {schools} new schools, {plans} plan targets, {activities} activities, "
        "{problems} problems and {cases} cases of the new pairings in {seconds:.1f} s (CPU {cpu:.1f} s); all demo data",
    ),
    "demo.cli.exists": (
        "{path} 已存在：换一个 --db，或加 --force 替换它",
        "{path} exists: choose another --db, or add --force to replace it",
    ),
}
