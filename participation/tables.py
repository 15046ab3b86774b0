"""The rows of the participation page's tables, written in Python.

A class of 200 students over a 15-week term is 3,000 cells; a template loop spends
most of the page's time on them (Django's template engine costs microseconds per
variable), so the rows are written here, as the discussion's renderer writes
comments (comments/thread.py). Every value is escaped with ``html.escape``, the
sparklines come escaped from participation/charts.py, and the page's template
keeps the table's caption and headings.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from django.utils.safestring import SafeString, mark_safe

from participation.charts import plural
from participation.report import StudentRecord
from participation.weeks import course_zone


def short_date(moment: datetime | None) -> str:
    """A ``<time>`` of "Mar 3, 2:05 pm" in the course's time zone, or a dash."""
    if moment is None:
        return "—"
    local = moment.astimezone(course_zone())
    hour = local.hour % 12 or 12
    text = f"{local:%b} {local.day}, {hour}:{local.minute:02d} {'am' if local.hour < 12 else 'pm'}"
    return f'<time datetime="{local.isoformat(timespec="seconds")}">{text}</time>'


def totals_rows(rows: Iterable[dict], *, range_query: str, judged: bool) -> SafeString:
    """One ``<tr>`` per student: names, each count linked to what it counts, first and
    last activity, weeks met (when ``judged``) and the sparkline."""
    out = []
    query = escape(range_query)
    for row in rows:
        record: StudentRecord = row["record"]
        total = record.total
        student = record.student
        base = f"{escape(row['url'])}?{query}"
        out.append(
            f'<tr><th scope="row"><a href="{base}">{escape(student.display_name)}</a></th>'
            f"<td>{escape(student.real_name)}</td>"
        )
        for kind, value in (
            ("posts", total.posts),
            ("comments", total.comments),
            ("replies", total.replies),
            ("received", total.received),
        ):
            out.append(f'<td class="number"><a href="{base}&amp;kind={kind}">{value}</a></td>')
        out.append(f'<td class="number"><a href="{base}">{total.words}</a></td>')
        out.append(f"<td>{short_date(total.first)}</td><td>{short_date(total.last)}</td>")
        if judged:
            out.append(f'<td class="number">{record.met} of {record.judged}</td>')
        out.append(f"<td>{row['sparkline']}</td></tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


def week_rows(rows: Iterable[dict], *, range_query: str, judged: bool) -> SafeString:
    """One ``<tr>`` per student: names, then each week (met or missed, linked to the
    student's page for that week, with its posts and replies), then weeks met."""
    out = []
    query = escape(range_query)
    for row in rows:
        record: StudentRecord = row["record"]
        student = record.student
        url = escape(row["url"])
        out.append(
            f'<tr><th scope="row"><a href="{url}?{query}">'
            f"{escape(student.display_name)}</a></th><td>{escape(student.real_name)}</td>"
        )
        for week in record.weeks:
            counts = week.counts
            status = f" {week.status}" if week.status else ""
            first, last = week.week.first_day.isoformat(), week.week.last_day.isoformat()
            out.append(
                f'<td class="week-cell{status}"><a href="{url}?start={first}&amp;end={last}">'
                f"{week.status_label or 'View'}</a>"
                f'<span class="week-counts">{plural(counts.posts, "post")}, '
                f"{plural(counts.replies, 'reply', 'replies')}</span></td>"
            )
        if judged:
            out.append(f'<td class="number">{record.met} of {record.judged}</td>')
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped
