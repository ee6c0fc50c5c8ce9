"""Schools: the 一校一策 scorecard of one pairing, opened by link `schools?pairing=<id>` (issue 4).

Without a (valid) `pairing` in the URL the page offers a searchable picker, which writes it there.
"""

import streamlit as st

from assistance.analytics import scorecard
from assistance.export.writers import MEASURE_SCORECARD_COLUMNS, PAIRING_ACTIVITY_COLUMNS, YEAR_SCORECARD_COLUMNS
from assistance.figures import progress as progress_figures
from assistance.filters import Period
from assistance.web.shell import PLOTLY_CONFIG, page_context, page_header, set_filters
from assistance.web.tables import download_buttons, file_stem, paged_table, small_table, sort_controls

ctx = page_context()
today = scorecard.today()
zh = ctx.lang == "zh"

requested = st.query_params.get("pairing")
pairing_id = int(requested) if requested and requested.strip().isdigit() else None
info = scorecard.pairing_info(ctx.con, pairing_id) if pairing_id is not None else None

# The picker: the pairings in view of the sidebar's university and province filters (+ the open one).
choices = scorecard.pairing_choices(ctx.con, ctx.filters)
labels = {
    row.pairing_id: ctx.t(
        "school.pick_option",
        school=row.school,
        university=row.university if zh else row.university_en,
        province=row.province if zh or not row.province_en else row.province_en,
        county=row.county,
    )
    for row in choices.itertuples()
}
if info is not None and info["pairing_id"] not in labels:
    labels = {
        info["pairing_id"]: ctx.t(
            "school.pick_option",
            school=info["school"],
            university=info["university"] if zh else info["university_en"],
            province=info["province"] if zh or not info["province_en"] else info["province_en"],
            county=info["county"],
        ),
        **labels,
    }
if info is None:
    page_header(ctx, "nav.schools")
    if requested:
        st.warning(ctx.t("school.not_found", pairing=requested))
    st.write(ctx.t("school.pick_prompt"))
options = list(labels)
picked = st.selectbox(
    ctx.t("school.pick_label"),
    options,
    index=options.index(info["pairing_id"]) if info is not None else None,
    format_func=labels.get,
    placeholder=ctx.t("school.pick_placeholder"),
)
if picked is not None and (info is None or picked != info["pairing_id"]):
    st.query_params["pairing"] = str(picked)
    st.rerun()
if info is None:
    st.stop()

pairing_id = int(info["pairing_id"])
university = info["university"] if zh else info["university_en"]
province = info["province"] if zh or not info["province_en"] else info["province_en"]

# Who, where, since when, and where the pairing comes from.
st.title(info["school"])
st.markdown(ctx.t("school.subtitle", university=university, province=province, county=info["county"]))
tier = ctx.t(f"tier.{info['tier']}")
start = info["start_date"].date().isoformat()
provenance = info["provenance"]
badge_colour = {"verified": "green", "demo": "orange", "imported": "blue"}[provenance]
badge_icon = {"verified": ":material/verified:", "demo": ":material/science:", "imported": ":material/upload:"}
badge_text = ctx.t("badge.demo") if provenance == "demo" else ctx.t(f"provenance.{provenance}")
st.badge(badge_text, color=badge_colour, icon=badge_icon[provenance])
source = info["source"] or ""
source_text = f"[{source}]({source})" if source.startswith(("http://", "https://")) else source
if provenance == "verified":
    confidence = ctx.t(f"school.confidence.{info['confidence']}") if info["confidence"] else "—"
    st.markdown(
        ctx.t("school.tier_start", tier=tier, start=start)
        + " · "
        + ctx.t("school.source.verified", confidence=confidence)
        + (source_text or ctx.t("school.source.none"))
    )
elif provenance == "demo":
    st.markdown(ctx.t("school.tier_start", tier=tier, start=start) + " · " + ctx.t("school.source.demo"))
else:
    st.markdown(
        ctx.t("school.tier_start", tier=tier, start=start)
        + " · "
        + ctx.t("school.source.imported")
        + (source_text or ctx.t("school.source.none"))
    )
demo_rows = scorecard.demo_activity_count(ctx.con, pairing_id)
if demo_rows and provenance != "demo":
    st.badge(ctx.t("school.demo_activities", count=demo_rows), color="orange", icon=":material/science:")
if st.button(ctx.t("school.back", university=university), icon=":material/arrow_back:", type="tertiary"):
    set_filters(university=[info["university"]])
    st.switch_page("pages/universities.py")

# The school year: the current one unless the sidebar's period names another.
years = scorecard.school_years(ctx.con, pairing_id, today)
current = scorecard.school_year_of(today)
default = ctx.filters.period.year if ctx.filters.period.year in years else years[0]
year_names = {
    y: ctx.t("school.year_current", label=Period(y).label(ctx.lang)) if y == current else Period(y).label(ctx.lang)
    for y in years
}
left, _ = st.columns([1, 2])
year = left.selectbox(ctx.t("school.year"), years, index=years.index(default), format_func=year_names.get)
st.caption(ctx.t("school.filters_note"))

status = scorecard.pairing_status(ctx.con, pairing_id, today)
year_rows = scorecard.year_scorecard(ctx.con, pairing_id, today)
this_year = year_rows[year_rows["school_year"] == year].iloc[0]
colour = {"green": "green", "amber": "orange", "red": "red"}.get(this_year["status"], "gray")
cells = st.columns(4)
with cells[0]:
    st.caption(ctx.t("school.metric.status"))
    status_label = ctx.t(f"school.status.{this_year['status']}")
    st.markdown(f"### :{colour}[● {status_label}]")
progress = this_year["progress"]
cells[1].metric(
    ctx.t("school.metric.progress"),
    f"{progress * 100:.0f}%" if progress == progress and progress is not None else "—",
    help=ctx.t(
        "school.metric.progress_help",
        actual=int(this_year["actual_planned"]),
        expected=f"{this_year['expected']:.1f}" if this_year["expected"] == this_year["expected"] else "0",
    ),
)
cells[2].metric(ctx.t("school.metric.activities"), f"{int(this_year['actual']):,}")
if status.get("last_date") is not None and status["last_date"] == status["last_date"]:
    cells[3].metric(
        ctx.t("school.metric.last"),
        status["last_date"].date().isoformat(),
        delta=ctx.t("school.metric.days_ago", days=int(status["days_since_last"])),
        delta_color="inverse" if status["silent"] else "off",
        delta_arrow="off",
    )
else:
    cells[3].metric(
        ctx.t("school.metric.last"),
        "—",
        delta=ctx.t("school.metric.never"),
        delta_color="inverse",
        delta_arrow="off",
    )

label = Period(year).label(ctx.lang)
if year == current:
    start_of_year = Period(year).bounds()[0]
    days_in_year = (Period(year + 1).bounds()[0] - start_of_year).days
    elapsed = (today - start_of_year).days + 1
    share = f"{elapsed / days_in_year:.1%}"
    st.caption(ctx.t("school.elapsed", label=label, elapsed=elapsed, days=days_in_year, share=share))
else:
    st.caption(ctx.t("school.elapsed_past", label=label))

with st.container(border=True):
    st.markdown(f"**{ctx.t('school.rule_title')}**")
    st.markdown(
        ctx.t(
            "school.rule",
            green=scorecard.GREEN_PERCENT,
            amber=scorecard.AMBER_PERCENT,
            days=scorecard.SILENCE_DAYS,
        )
    )

# Plan against actual, by measure, for the chosen year.
st.subheader(ctx.t("school.plan_title", label=label))
measure_query = scorecard.measure_scorecard_query(pairing_id, year, today)
measures = measure_query.page(ctx.con)
small_table(ctx, measures, tuple(c for c in MEASURE_SCORECARD_COLUMNS if c.name != "school_year"))
st.plotly_chart(progress_figures.plan_figure(measures, ctx.lang, ctx.measure_names()), config=PLOTLY_CONFIG)

st.subheader(ctx.t("school.years_title"))
small_table(ctx, year_rows, YEAR_SCORECARD_COLUMNS)

# The activity log: searchable by title, sortable, paginated in SQL.
st.subheader(ctx.t("school.activities_title"))
search_col, year_col = st.columns([3, 1], vertical_alignment="bottom")
search = search_col.text_input(
    ctx.t("school.search"),
    placeholder=ctx.t("school.search_placeholder"),
    key="school_search",
    on_change=lambda: st.session_state.update(school_activities_page=1),
)
only_year = year_col.toggle(ctx.t("school.only_year"), key="school_only_year")
activity_query = scorecard.activities_query(pairing_id, search, year if only_year else None)
sort_labels = {key: ctx.t(f"export.col.{key}") for key in ("date", "measure", "title", "teachers", "students", "hours")}
sort, descending = sort_controls(ctx, activity_query, "school_activities", sort_labels)
shown_columns = tuple(c for c in PAIRING_ACTIVITY_COLUMNS if c.name not in ("university", "school", "batch_id"))
count = activity_query.count(ctx.con)
if count:
    paged_table(ctx, activity_query, shown_columns, "school_activities", sort, descending, total=count)
else:
    st.info(ctx.t("school.no_activities"))

st.subheader(ctx.t("school.exports"))
st.caption(ctx.t("export.note"))
download_buttons(
    ctx,
    measure_query,
    MEASURE_SCORECARD_COLUMNS,
    "school_export_measures",
    ctx.t("school.export.scorecard"),
    file_stem(info["school"], ctx.t("export.file.scorecard"), str(year)),
    "export.file.scorecard",
)
download_buttons(
    ctx,
    scorecard.year_scorecard_query(ctx.con, pairing_id, today),
    YEAR_SCORECARD_COLUMNS,
    "school_export_years",
    ctx.t("school.export.years"),
    file_stem(info["school"], ctx.t("export.file.years")),
    "export.file.years",
)
download_buttons(
    ctx,
    activity_query,
    PAIRING_ACTIVITY_COLUMNS,
    "school_export_activities",
    ctx.t("school.export.activities", count=f"{count:,}"),
    file_stem(info["school"], ctx.t("export.file.activities")),
    "export.file.activities",
    sort,
    descending,
)
