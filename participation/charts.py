"""Charts of activity per week, as SVG drawn on the server: no JavaScript, styled by the
site's stylesheet (the Content-Security-Policy allows no inline style), each with a
<title> that says what it shows; the pages put a table of the same numbers beside
them. Written in Python rather than a template loop: the participation page draws
one per student, and every value is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from participation.report import ClassWeek, StudentRecord

BAR, GAP, SPARK_HEIGHT = 6, 2, 24


def plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def sparkline(record: StudentRecord, *, scale: int) -> SafeString:
    """A student's posts and comments per week, one bar a week coloured by whether the
    week was met; ``scale`` is the count that fills the height (the class's highest)."""
    scale = max(scale, 1)
    width = len(record.weeks) * (BAR + GAP) - GAP
    parts = []
    descriptions = []
    for index, week in enumerate(record.weeks):
        counts = week.counts
        height = max(1, round(counts.activity / scale * (SPARK_HEIGHT - 1)))
        x = index * (BAR + GAP)
        status = f" {week.status}" if week.status else ""
        parts.append(
            f'<rect class="bar{status}" x="{x}" y="{SPARK_HEIGHT - height}" '
            f'width="{BAR}" height="{height}"/>'
        )
        text = f"{week.week.label}: {plural(counts.posts, 'post')}, "
        text += plural(counts.comments, "comment")
        if week.status:
            text += f" ({week.status_label.lower()})"
        descriptions.append(text)
    title = f"Weekly activity of {record.student.display_name}: " + "; ".join(descriptions)
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<svg class="sparkline" role="img" width="{width}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {width} {SPARK_HEIGHT}"><title>{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


CHART_WIDTH, CHART_HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 36, 40, 12


def class_chart(class_weeks: Sequence[ClassWeek], *, title: str) -> SafeString:
    """Posts and replies to classmates per week, as grouped bars with a scale."""
    top = max([1, *(max(week.posts, week.replies) for week in class_weeks)])
    step = _nice_step(top)
    top = -(-top // step) * step
    plot_width = CHART_WIDTH - MARGIN_LEFT - 8
    plot_height = CHART_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / max(len(class_weeks), 1)
    bar = max(1.0, min(18.0, slot * 0.38))
    label_every = max(1, round(len(class_weeks) / 12))

    def y(value: int) -> float:
        return MARGIN_TOP + plot_height - value / top * plot_height

    parts = []
    for value in range(0, top + 1, step):
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" x2="{CHART_WIDTH - 8}" '
            f'y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
            f'<text class="axis" x="{MARGIN_LEFT - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end">{value}</text>'
        )
    for index, week in enumerate(class_weeks):
        x = MARGIN_LEFT + index * slot + slot / 2
        for offset, value, kind, noun in (
            (-bar, week.posts, "posts", plural(week.posts, "post")),
            (0, week.replies, "replies", plural(week.replies, "reply", "replies")),
        ):
            height = value / top * plot_height
            tip = escape(
                f"{week.week.label}: {noun}" + (" to classmates" if kind == "replies" else "")
            )
            parts.append(
                f'<rect class="bar {kind}" x="{x + offset:.1f}" y="{y(value):.1f}" '
                f'width="{bar:.1f}" height="{height:.1f}"><title>{tip}</title></rect>'
            )
        if index % label_every == 0:
            parts.append(
                f'<text class="axis" x="{x:.1f}" y="{CHART_HEIGHT - MARGIN_BOTTOM + 16}" '
                f'text-anchor="middle">{escape(week.week.first_day.strftime("%b %-d"))}</text>'
            )
    legend_y = CHART_HEIGHT - 8
    parts.append(
        f'<rect class="bar posts" x="{MARGIN_LEFT}" y="{legend_y - 9}" width="10" height="10"/>'
        f'<text class="axis" x="{MARGIN_LEFT + 14}" y="{legend_y}">Posts</text>'
        f'<rect class="bar replies" x="{MARGIN_LEFT + 70}" y="{legend_y - 9}" width="10" '
        f'height="10"/><text class="axis" x="{MARGIN_LEFT + 84}" y="{legend_y}">'
        "Replies to classmates</text>"
    )
    return mark_safe(  # noqa: S308 - every value is escaped
        f'<svg class="class-chart" role="img" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" '
        f'width="{CHART_WIDTH}" height="{CHART_HEIGHT}"><title>{escape(title)}</title>'
        + "".join(parts)
        + "</svg>"
    )


def _nice_step(top: int) -> int:
    """A step of 1, 2 or 5 times a power of ten that gives at most five grid lines."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if top / step <= 5:
                return step
        magnitude *= 10
