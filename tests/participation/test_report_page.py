"""The participation page, its CSV and the per-student view (instructors only)."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from tests.participation.conftest import at, student

pytestmark = pytest.mark.django_db

TERM = {"start": "2025-03-03", "end": "2025-03-09"}


@pytest.fixture
def teacher(classroom):
    client = Client()
    client.force_login(classroom.morgan)
    return client


def page(client, name="participation:report", *args, **params):
    response = client.get(reverse(name, args=args), params)
    return response, response.content.decode()


def rows_of(html: str) -> dict[str, list[str]]:
    """{student's display name: the text of their row's cells}."""
    found = {}
    table = html.split('class="data-table participation-table')[1].split("</table>")[0]
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", "<th>" + row, re.S)
        ]
        found[cells[0]] = cells[1:]
    return found


def test_only_instructors_see_participation(classroom):
    guest = Client()
    response = guest.get(reverse("participation:report"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    classmate = Client()
    classmate.force_login(classroom.ana)
    for name, args in (
        ("participation:report", ()),
        ("participation:export", ()),
        ("participation:student", (classroom.ben.pk,)),
        ("participation:grades_csv", ()),
    ):
        assert classmate.get(reverse(name, args=args)).status_code == 403


def test_one_row_per_student_with_both_names_and_every_count(teacher, classroom):
    response, html = page(teacher, **TERM)
    assert response.status_code == 200
    rows = rows_of(html)
    # Real name, posts, comments, replies, received, words, first, last, weeks met, chart
    assert rows["Ana S"][:6] == ["Ana Silva", "1", "5", "2", "3", "162"]
    assert rows["Ben O"][:6] == ["Ben Okafor", "1", "1", "1", "2", "60"]
    assert rows["Cleo P"][:6] == ["Cleo Park", "0", "1", "1", "0", "8"]
    assert "Morgan" not in rows
    assert rows["Ana S"][8] == "1 of 1"  # one post and two replies: met


def test_every_number_links_to_what_it_counts(teacher, classroom):
    _, html = page(teacher, **TERM)
    url = reverse("participation:student", args=[classroom.ana.pk])
    for kind in ("posts", "comments", "replies", "received"):
        assert f'href="{url}?start=2025-03-03&amp;end=2025-03-09&amp;kind={kind}"' in html
    _, listed = page(teacher, "participation:student", classroom.ana.pk, kind="replies", **TERM)
    assert [f"comment-{c.pk}" for c in (classroom.c2, classroom.c5)] == re.findall(
        r'<li class="activity-item" id="(comment-\d+)"', listed
    )
    _, listed = page(teacher, "participation:student", classroom.ana.pk, kind="received", **TERM)
    shown = re.findall(r'id="comment-(\d+)"', listed)
    assert shown == [str(c.pk) for c in (classroom.c1, classroom.c7, classroom.c9)]


def test_sorting_by_a_column_both_ways(teacher, classroom):
    _, html = page(teacher, sort="words", order="desc", **TERM)
    assert list(rows_of(html)) == ["Ana S", "Ben O", "Cleo P"]
    toggle = "?start=2025-03-03&amp;end=2025-03-09&amp;view=totals&amp;sort=words&amp;order=asc"
    assert f'aria-sort="descending"><a href="{toggle}">' in html
    _, html = page(teacher, sort="words", order="asc", **TERM)
    assert list(rows_of(html)) == ["Cleo P", "Ben O", "Ana S"]
    _, html = page(teacher, sort="nonsense", **TERM)
    assert list(rows_of(html)) == ["Ana S", "Ben O", "Cleo P"]


def test_week_by_week_marks_each_week_met_or_missed_with_a_link_to_it(teacher, classroom):
    _, html = page(teacher, view="weeks", start="2025-03-03", end="2025-03-16")
    url = reverse("participation:student", args=[classroom.ben.pk])
    week = "start=2025-03-03&amp;end=2025-03-09"
    assert f'<td class="week-cell missed"><a href="{url}?{week}">Missed</a>' in html
    ana = reverse("participation:student", args=[classroom.ana.pk])
    assert (
        f'<td class="week-cell met"><a href="{ana}?start=2025-03-03&amp;end=2025-03-09">Met</a>'
        in html
    )


def test_a_chart_per_student_and_one_for_the_class_with_titles_and_a_table(teacher, classroom):
    _, html = page(teacher, **TERM)
    assert html.count('<svg class="sparkline" role="img"') == 3
    assert "<title>Weekly activity of Ana S: Mar 3–9: 1 post, 5 comments (met)</title>" in html
    assert '<svg class="class-chart" role="img"' in html
    assert "<title>Mar 3–9: 2 posts</title>" in html
    assert "<caption>Posts and replies per week, March 3, 2025 – March 9, 2025</caption>" in html


def test_a_bad_period_says_why_keeps_what_was_typed_and_shows_the_term(teacher, classroom):
    response, html = page(teacher, start="2025-03-20", end="2025-03-01")
    assert response.status_code == 400
    assert "The end comes before the start" in html
    assert 'value="2025-03-20"' in html
    assert "Ana S" in html
    response, html = page(teacher, start="2001-01-01", end="2025-03-01")
    assert response.status_code == 400
    assert "Choose at most 104 weeks" in html
    response, html = page(teacher, start="not a date")
    assert response.status_code == 400
    assert "“not a date” is not a date: pick one, or type it as year-month-day." in html


def test_the_csv_is_the_page_as_shown_with_a_byte_order_mark(teacher, classroom):
    response = teacher.get(
        reverse("participation:export"), {**TERM, "sort": "words", "order": "desc"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="participation-2025-03-03-2025-03-09.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:9] == [
        "Student",
        "Real name",
        "Username",
        "Posts published",
        "Comments written",
        "Replies to classmates",
        "Replies received",
        "Words written",
        "First activity",
    ]
    assert [row[0] for row in table[1:]] == ["Ana S", "Ben O", "Cleo P"]
    assert table[1][1:8] == ["Ana Silva", "ana", "1", "5", "2", "3", "162"]
    by_week = teacher.get(reverse("participation:export"), {**TERM, "view": "weeks"})
    table = list(csv.reader(io.StringIO(by_week.content.decode("utf-8-sig"))))
    assert table[0][3:] == [
        "Week of 2025-03-03: posts",
        "Week of 2025-03-03: replies to classmates",
        "Week of 2025-03-03: status",
    ]
    assert table[2][3:] == ["1", "1", "Missed"]


def test_names_that_look_like_formulas_are_quoted_in_the_csv(teacher, classroom):
    classroom.cleo.display_name = '=HYPERLINK("http://evil")'
    classroom.cleo.save()
    response = teacher.get(reverse("participation:export"), TERM)
    assert "'=HYPERLINK" in response.content.decode("utf-8-sig")


def test_the_per_student_view_shows_everything_in_date_order_with_what_does_not_count_marked(
    teacher, classroom
):
    response, html = page(teacher, "participation:student", classroom.ben.pk, **TERM)
    assert response.status_code == 200
    order = re.findall(r'id="((?:post|comment)-\d+)"', html)
    assert order == [
        f"post-{classroom.withdrawn.pk}",
        f"post-{classroom.ben_post.pk}",
        f"comment-{classroom.c1.pk}",
        f"comment-{classroom.held.pk}",
        f"comment-{classroom.spam.pk}",
        f"comment-{classroom.trashed.pk}",
    ]
    held = html.split(f'id="comment-{classroom.held.pk}"')[1].split("</li>")[0]
    assert "Held for moderation" in held
    assert "In the trash" in html.split(f'id="comment-{classroom.trashed.pk}"')[1].split("</li>")[0]
    assert "Spam" in html.split(f'id="comment-{classroom.spam.pk}"')[1].split("</li>")[0]
    assert "Draft" in html.split(f'id="post-{classroom.withdrawn.pk}"')[1].split("</li>")[0]
    assert 'class="activity-item not-counted" id="comment-' in html
    # Each comment with its context: the post, and the comment it answers.
    trashed = html.split(f'id="comment-{classroom.trashed.pk}"')[1].split("</li>")[0]
    assert "Ana&#x27;s post" in trashed
    assert "Replying to Ana S" in trashed


def test_the_per_student_view_marks_replies_to_oneself_and_short_replies(
    teacher, classroom, expectations
):
    expectations.min_words_per_reply = 25
    expectations.save()
    _, html = page(teacher, "participation:student", classroom.ana.pk, **TERM)
    c2 = html.split(f'id="comment-{classroom.c2.pk}"')[1].split("</li>")[0]
    assert "Reply to a classmate" in c2
    assert "Too short for the weekly replies (20 words; the course asks 25)" in c2
    assert (
        "Answers their own comment"
        in html.split(f'id="comment-{classroom.c6.pk}"')[1].split("</li>")[0]
    )
    assert "On their own post" in html.split(f'id="comment-{classroom.c3.pk}"')[1].split("</li>")[0]


def test_a_member_who_is_not_found_is_a_404(teacher):
    assert teacher.get(reverse("participation:student", args=[999999])).status_code == 404


def build_class(size: int, instructor) -> None:
    """``size`` students, each with two posts and comments answering each other."""
    from tests.factories import make_post
    from tests.participation.conftest import comment

    made = [student(f"s{size}-{n}") for n in range(size)]
    for n, writer in enumerate(made):
        for day in (3, 10):
            post = make_post(author=writer, published_at=at(day))
            first = comment(post, made[(n + 1) % size], when=at(day + 1))
            comment(post, writer, first, when=at(day + 2))
            comment(post, None, first, when=at(day + 2), author_name="Guest")


@pytest.mark.parametrize("size", [3, 12])
def test_the_page_costs_the_same_queries_for_any_class(
    size, expectations, django_assert_num_queries
):
    instructor = make_user("teacher", instructor=True)
    build_class(size, instructor)
    client = Client()
    client.force_login(instructor)
    # session, user, role, expectations, students, posts, comments (written and
    # received), whether the course has topics (the menu); the course settings were
    # read by this process already
    with django_assert_num_queries(8):
        response = client.get(
            reverse("participation:report"), {"start": "2025-03-03", "end": "2025-03-16"}
        )
    assert response.content.decode().count('<svg class="sparkline"') == size
    with django_assert_num_queries(8):
        client.get(
            reverse("participation:report"),
            {"start": "2025-03-03", "end": "2025-03-16", "view": "weeks"},
        )
