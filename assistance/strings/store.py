"""The store's messages: `store copy` on the command line (issue 15)."""

STRINGS: dict[str, tuple[str, str]] = {
    "store.copy.header": ("{table:<26} {source:>12} {target:>12}", "{table:<26} {source:>12} {target:>12}"),
    "store.copy.source": ("源", "source"),
    "store.copy.target": ("目标", "target"),
    "store.copy.done": ("已复制：两侧各表行数一致。", "Copied: every table has the same row count on both sides."),
    "store.copy.mismatch": ("两侧行数不一致：{tables}", "the row counts differ on the two sides: {tables}"),
    "store.copy.same_kind": (
        "--from 与 --to 须一个是 DuckDB 文件、一个是 postgresql:// 地址",
        "one of --from and --to must be a DuckDB file and the other a postgresql:// URL",
    ),
    "store.copy.no_file": ("数据库文件 {path} 不存在", "database file {path} does not exist"),
    "store.copy.old_file": (
        "数据库文件 {path} 的结构版本过旧；请先运行 python -m assistance init --db {path} 升级",
        "database file {path} has an old schema; run `python -m assistance init --db {path}` first",
    ),
    "store.copy.not_empty": (
        "目标数据库 {target} 已有数据；请复制到一个空数据库",
        "the target database {target} already holds data; copy into an empty database",
    ),
    "store.copy.file_exists": (
        "目标文件 {path} 已存在；请指定一个新文件",
        "the target file {path} already exists; name a new file",
    ),
    "store.copy.old_store": (
        "数据库 {target} 不是本版本的结构；请先用本版本初始化或迁移",
        "the database {target} does not have this release's schema; initialise or migrate it with this release first",
    ),
    "store.unreachable_cli": ("无法连接数据库 {target}：{detail}", "cannot reach the database {target}: {detail}"),
}
