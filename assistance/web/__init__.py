"""The Streamlit side: the app shell (cached connection, language, URL-bound filters, sample-data badge), the
sections that several pages share (KPI cards, map, tables with downloads, needs-attention) and each page's own
sections (`*_sections.py`), so a page only reads its context and calls them. The only package besides `pages/`
that imports streamlit; no other package imports it. `upload_flow` and `text` are plain Python, testable alone."""
