"""Small SVG chart builders for server-rendered pages and self-contained reports (no script)."""

from mentor.charts.bars import Bar, bar_chart, column_chart
from mentor.charts.heatmap import heatmap
from mentor.charts.line import Point, Series, line_chart

__all__ = ["Bar", "Point", "Series", "bar_chart", "column_chart", "heatmap", "line_chart"]
