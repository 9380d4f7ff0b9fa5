"""The one SVG chart package every page and report uses: small builders that take plain data
and return inline SVG (no script, no ``style`` attribute). Depends on nothing else in Mentor."""

from mentor.charts.bars import Bar, bar_chart, column_chart
from mentor.charts.differences import difference_chart
from mentor.charts.graph import Graph, GraphLayout, GraphNode, PlacedEdge, PlacedNode
from mentor.charts.heatmap import heatmap
from mentor.charts.intervals import Interval, IntervalRow, interval_chart
from mentor.charts.line import Point, Series, line_chart
from mentor.charts.stacked import stacked_bars

__all__ = [
    "Bar",
    "Graph",
    "GraphLayout",
    "GraphNode",
    "Interval",
    "IntervalRow",
    "PlacedEdge",
    "PlacedNode",
    "Point",
    "Series",
    "bar_chart",
    "column_chart",
    "difference_chart",
    "heatmap",
    "interval_chart",
    "line_chart",
    "stacked_bars",
]
