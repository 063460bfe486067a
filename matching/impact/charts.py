"""Horizontal bar charts as inline SVG, drawn on the server.

Why not a JavaScript chart library (Chart.js, pygal's JS tooltips): the numbers are in an HTML
table next to every chart anyway, the pages must work without JavaScript, a Content Security
Policy without inline scripts or styles is coming, and nothing may be loaded from a CDN. A few
`<rect>`s scaled here are small, print well, need no asset pipeline and are accessible: the
`<svg>` has role="img" with a `<title>` and `<desc>`, and each bar its own `<title>`. Colours
and fonts come from classes in static/css/impact.css (SVG attributes otherwise, never style="").

Geometry is in whole viewBox units so no localised decimal comma ever lands in an attribute.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

WIDTH = 640
LABEL_WIDTH = 270  # room for the row names, right-aligned before the bars
VALUE_WIDTH = 60  # room for the value after the longest bar
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MAX_LABEL = 34  # characters; a longer name is shortened (the bar's <title> has it in full)


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: float
    width: int
    y: int  # top of the bar

    @property
    def middle(self) -> int:
        return self.y + BAR_HEIGHT // 2

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    title: str | Promise
    description: str | Promise
    bars: list[Bar]

    width = WIDTH
    label_x = LABEL_WIDTH - 8
    bar_x = LABEL_WIDTH
    bar_height = BAR_HEIGHT

    @property
    def height(self) -> int:
        return len(self.bars) * ROW_HEIGHT + 4

    @property
    def is_empty(self) -> bool:
        return not any(bar.value for bar in self.bars)


def scaled(values: Sequence[float], length: int) -> list[int]:
    """Each value as a length out of `length`, the largest taking all of it.

    A value above zero stays at least one unit long, so it never looks like a zero.
    """
    largest = max((value for value in values if value), default=0)
    if largest <= 0:
        return [0 for _value in values]
    return [max(1, round(length * value / largest)) if value > 0 else 0 for value in values]


def bar_chart(
    bars: Sequence[tuple[str, float]], *, title: str | Promise, description: str | Promise
) -> BarChart:
    """A chart with one bar per (label, value), in the given order."""
    widths = scaled([value for _label, value in bars], WIDTH - LABEL_WIDTH - VALUE_WIDTH)
    return BarChart(
        title=title,
        description=description,
        bars=[
            Bar(
                label=label,
                short_label=_shorten(label),
                value=value,
                width=width,
                y=index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            )
            for index, ((label, value), width) in enumerate(zip(bars, widths, strict=True))
        ],
    )


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else f"{label[: MAX_LABEL - 1].rstrip()}…"
