"""The store's messages (issue 15): `store copy` on the command line, and server mode's store out of reach or a
write that met another replica's."""

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
    "store.unreachable": (
        "自 {since} 起无法连接数据库服务器：页面显示的是此前载入的数据，恢复连接前不能上传或修改。",
        "The database server has been unreachable since {since}: pages show the data loaded before, and nothing can "
        "be uploaded or changed until it is back.",
    ),
    "store.write_refused": (
        "无法连接数据库服务器，本次修改未保存；请稍后再试。",
        "The database server cannot be reached: nothing was saved. Please try again later.",
    ),
    "store.conflict": (
        "其他用户刚刚修改了同样的记录，本次修改未保存；请刷新页面后再试。",
        "Someone else changed the same records just now: nothing was saved. Reload the page and try again.",
    ),
    "store.unreachable_start": (
        "无法连接数据库服务器 {target}，暂时没有可显示的数据；请检查数据库服务后刷新页面。",
        "The database server {target} cannot be reached, so there is no data to show yet; check the database "
        "service and reload the page.",
    ),
    "store.demo_file_only": (
        "demo 只生成 DuckDB 文件：请用 --db 指定一个文件，再用 store copy 复制到 PostgreSQL",
        "demo builds a DuckDB file: give --db a file, then copy it into PostgreSQL with store copy",
    ),
    "store.unreachable_cli": ("无法连接数据库 {target}：{detail}", "cannot reach the database {target}: {detail}"),
}
