"""The Streamlit side: the app shell (cached connection, language, URL-bound filters, sample-data badge) and
the sections that several pages share (KPI cards, map, tables with downloads, needs-attention). The only
package besides `pages/` that imports streamlit; no other package imports it."""
