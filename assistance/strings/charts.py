"""Strings of plotly.js's chart toolbar (figures.locale): its English message → Chinese. In English the message is
plotly's own, so both columns of a key hold what the reader sees."""

STRINGS = {
    "chart.plotly.Autoscale": ("自动缩放", "Autoscale"),
    "chart.plotly.Box Select": ("框选", "Box Select"),
    "chart.plotly.Compare data on hover": ("悬停时比较数据", "Compare data on hover"),
    "chart.plotly.Double-click on legend to isolate one trace": (
        "双击图例可只显示该项",
        "Double-click on legend to isolate one trace",
    ),
    "chart.plotly.Double-click to zoom back out": ("双击恢复原始大小", "Double-click to zoom back out"),
    "chart.plotly.Download plot": ("下载图表", "Download plot"),
    "chart.plotly.Download plot as a PNG": ("下载图表（PNG 图片）", "Download plot as a PNG"),
    "chart.plotly.Image download succeeded": ("图片已下载", "Image download succeeded"),
    "chart.plotly.Lasso Select": ("套索选择", "Lasso Select"),
    "chart.plotly.Pan": ("平移", "Pan"),
    "chart.plotly.Preparing image - this may take a few seconds": (
        "正在生成图片，请稍候",
        "Preparing image - this may take a few seconds",
    ),
    "chart.plotly.Reset": ("复原", "Reset"),
    "chart.plotly.Reset axes": ("复原坐标轴", "Reset axes"),
    "chart.plotly.Reset view": ("复原视图", "Reset view"),
    "chart.plotly.Reset views": ("复原视图", "Reset views"),
    "chart.plotly.Show closest data on hover": ("悬停时显示最近的数据", "Show closest data on hover"),
    "chart.plotly.Sorry, there was a problem downloading your image!": (
        "抱歉，图片下载失败！",
        "Sorry, there was a problem downloading your image!",
    ),
    "chart.plotly.Toggle Spike Lines": ("显示/隐藏辅助线", "Toggle Spike Lines"),
    "chart.plotly.Toggle show closest data on hover": (
        "切换：悬停时显示最近的数据",
        "Toggle show closest data on hover",
    ),
    "chart.plotly.Zoom": ("缩放", "Zoom"),
    "chart.plotly.Zoom in": ("放大", "Zoom in"),
    "chart.plotly.Zoom out": ("缩小", "Zoom out"),
}
