"""The language of every chart's plotly.js toolbar: its tooltips and messages in the UI language.

plotly.js bundled with Streamlit speaks English only; it takes a locale with the figure's config (`locale` and
`locales`, no global registration and no download), so a Chinese page hands each chart a `zh-CN` locale whose
dictionary comes from the string catalogue (assistance/strings/charts.py). Month and day names are not part of
it: axes carry their own labels in the page's language.
"""

from __future__ import annotations

from assistance.i18n import t

# plotly.js's own English messages that our charts can show (the toolbar, its image download, hover hints);
# each is translated under `chart.plotly.<message>`.
MESSAGES = (
    "Autoscale",
    "Box Select",
    "Compare data on hover",
    "Double-click on legend to isolate one trace",
    "Double-click to zoom back out",
    "Download plot",
    "Download plot as a PNG",
    "Image download succeeded",
    "Lasso Select",
    "Pan",
    "Preparing image - this may take a few seconds",
    "Reset",
    "Reset axes",
    "Reset view",
    "Reset views",
    "Show closest data on hover",
    "Sorry, there was a problem downloading your image!",
    "Toggle Spike Lines",
    "Toggle show closest data on hover",
    "Zoom",
    "Zoom in",
    "Zoom out",
)


def chart_locale(lang: str) -> dict:
    """The part of a chart's plotly config that sets its language: in Chinese the zh-CN locale, in English
    nothing (plotly's own English). Pages add it to the shared config: `PLOTLY_CONFIG | ctx.chart_locale()`."""
    if lang != "zh":
        return {}
    dictionary = {message: t(f"chart.plotly.{message}", lang) for message in MESSAGES}
    return {"locale": "zh-CN", "locales": {"zh-CN": {"dictionary": dictionary}}}
