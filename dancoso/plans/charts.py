"""Server-rendered charts: the geometry of inline SVG bar and column charts, drawn by
`templates/plans/_bar_chart.html` and `_column_chart.html` with presentation attributes only (no script, no
`style`: CSP). Every chart has a <title> and <desc> and a visually hidden table of its data for screen readers.
The drawing is 320 units wide and scales to its box, so it fits a 360 px phone."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320
ROW_HEIGHT = 40
BAR_HEIGHT = 14
LABEL_CHARS = 34
COLUMN_AREA = 120  # height of the columns' area
GOOD, MIDDLE, POOR, EMPTY, TARGET = "#1a7f37", "#b35c00", "#c62828", "#e4e7ec", "#1f2937"


def fill_for(share: float | None) -> str:
    if share is None:
        return EMPTY
    if share >= 0.9:
        return GOOD
    return MIDDLE if share >= 0.7 else POOR


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # 0..1, None: nothing to show
    value_text: str
    y: int = 0
    width: float = 0.0
    fill: str = EMPTY

    @property
    def label_y(self) -> int:
        return self.y + 12

    @property
    def bar_y(self) -> int:
        return self.y + 18

    @property
    def short_label(self) -> str:
        return _short(self.label)


@dataclass(frozen=True)
class BarChart:
    key: str  # unique on the page: ids of the title and description
    title: str
    description: str
    bars: tuple[Bar, ...]
    value_header: str
    target_x: float | None = None  # a vertical line at the target

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT


def bar_chart(key, title, description, rows, value_header, *, target: float | None = None) -> BarChart:
    """`rows`: (label, share 0..1 or None, value text)."""
    bars = tuple(
        Bar(
            label=str(label),
            share=share,
            value_text=text,
            y=i * ROW_HEIGHT,
            width=round(WIDTH * max(0.0, min(share or 0.0, 1.0)), 1),
            fill=fill_for(share),
        )
        for i, (label, share, text) in enumerate(rows)
    )
    target_x = round(WIDTH * min(target, 1.0), 1) if target is not None else None
    return BarChart(key, title, description, bars, value_header, target_x)


@dataclass(frozen=True)
class Column:
    label: str
    share: float | None
    value_text: str
    x: float
    height: float
    fill: str

    @property
    def y(self) -> float:
        return COLUMN_AREA - self.height

    @property
    def label_x(self) -> float:
        return self.x + column_width() / 2


def column_width() -> float:
    return 20.0


@dataclass(frozen=True)
class ColumnChart:
    key: str
    title: str
    description: str
    columns: tuple[Column, ...]
    value_header: str
    label_header: str

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def is_empty(self) -> bool:
        return all(column.share is None for column in self.columns)

    @property
    def height(self) -> int:
        return COLUMN_AREA + 20

    @property
    def area(self) -> int:
        return COLUMN_AREA

    @property
    def column_width(self) -> float:
        return column_width()

    @property
    def label_y(self) -> int:
        return COLUMN_AREA + 14


def column_chart(key, title, description, rows, value_header, label_header) -> ColumnChart:
    """`rows`: (label, share 0..1 or None, value text), left to right."""
    rows = list(rows)
    step = WIDTH / max(1, len(rows))
    columns = tuple(
        Column(
            label=str(label),
            share=share,
            value_text=text,
            x=round(i * step + (step - column_width()) / 2, 1),
            height=round(COLUMN_AREA * max(0.0, min(share or 0.0, 1.0)), 1),
            fill=fill_for(share),
        )
        for i, (label, share, text) in enumerate(rows)
    )
    return ColumnChart(key, title, description, columns, value_header, label_header)
