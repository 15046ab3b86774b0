"""The admin: the tool's values for the LMS, keys, and the LMS course for instructors."""

import json

import pytest
from django.urls import reverse
from lti_tool.models import Key, LtiRegistration

from lti.grades import send_grades
from lti.models import GradebookLink, Platform, SentScore
from tests.factories import make_user
from tests.lti.conftest import launch
from tests.lti.platform import INSTRUCTOR, LEARNER

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_shows_the_values_an_lms_needs_from_site_url(admin_client, settings):
    settings.SITE_URL = "https://blog.example.edu"
    page = admin_client.get(reverse("admin:lti_tool_ltiregistration_changelist"))
    text = page.content.decode()
    assert page.status_code == 200
    for value in (
        "https://blog.example.edu/lti/login/",
        "https://blog.example.edu/lti/launch/",
        "https://blog.example.edu/lti/jwks/",
    ):
        assert value in text
    canvas = json.loads(page.context["tool"].canvas_json())
    assert canvas["oidc_initiation_url"] == "https://blog.example.edu/lti/login/"
    assert canvas["public_jwk_url"] == "https://blog.example.edu/lti/jwks/"
    assert canvas["target_link_uri"] == "https://blog.example.edu/"
    assert canvas["extensions"][0]["domain"] == "blog.example.edu"
    placements = {
        p["placement"]: p["message_type"] for p in canvas["extensions"][0]["settings"]["placements"]
    }
    assert placements["editor_button"] == "LtiDeepLinkingRequest"
    moodle = dict(page.context["tool"].moodle())
    assert moodle["Initiate login URL"] == "https://blog.example.edu/lti/login/"
    assert moodle["Redirection URI(s)"] == "https://blog.example.edu/lti/launch/"
    assert 'id="lti-moodle-values"' in text


def test_adding_a_platform_in_the_admin_enables_its_deployments(admin_client):
    url = reverse("admin:lti_tool_ltiregistration_add")
    form = {
        "name": "Moodle", "issuer": "https://moodle.school.example", "client_id": "abc",
        "auth_url": "https://moodle.school.example/mod/lti/auth.php",
        "token_url": "https://moodle.school.example/mod/lti/token.php",
        "keyset_url": "https://moodle.school.example/mod/lti/certs.php", "is_active": "on",
        "deployments-TOTAL_FORMS": "1", "deployments-INITIAL_FORMS": "0",
        "deployments-0-deployment_id": "7", "deployments-0-is_active": "on",
        "coursblog_platform-TOTAL_FORMS": "1", "coursblog_platform-INITIAL_FORMS": "0",
        "coursblog_platform-0-frame_origins": "https://moodle.school.example",
    }  # fmt: skip
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()
    registration = LtiRegistration.objects.get()
    assert registration.deployments.get().is_active
    assert Platform.objects.get().origins() == ["https://moodle.school.example"]


def test_plain_http_lms_addresses_are_refused(db):
    platform = Platform(frame_origins="http://lms.example.edu")
    with pytest.raises(Exception, match="Not an https:// address"):
        platform.clean()


def test_the_key_rotates_from_the_admin(admin_client):
    admin_client.get(reverse("lti:jwks"))
    response = admin_client.post(reverse("admin:lti_tool_key_rotate"), follow=True)
    assert "The tool now signs with key" in response.content.decode()
    assert Key.objects.active().count() == 2
    assert len(admin_client.get(reverse("lti:jwks")).json()["keys"]) == 2


def test_instructors_sync_the_roster_and_send_grades_from_the_admin(
    client, registered, platform, instructor, settings
):
    launch(client, platform, LEARNER)
    client.force_login(instructor)
    change = reverse("admin:lti_platform_change", args=[registered.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'id="lti-sync-roster"' in page.content.decode()
    url = reverse("admin:lti_platform_sync_roster", args=[registered.pk])
    synced = client.post(url, follow=True).content.decode()
    assert "Roster synced: 1 new, 1 updated, 0 turned off" in synced
    settings.LTI_GRADE_SOURCE = "tests.lti.test_grades.everyone_gets_ten"
    platform.failing_users = {LEARNER.sub}
    url = reverse("admin:lti_platform_send_grades", args=[registered.pk])
    sent = client.post(url, follow=True).content.decode()
    assert "1 sent" in sent
    assert "1 failed (tried again next time): Ana López: " in sent
    assert "failed, tried again at the next sending" in client.get(change).content.decode()


def test_students_have_no_lms_course_admin(client, registered, student):
    client.force_login(student)
    url = reverse("admin:lti_platform_sync_roster", args=[registered.pk])
    assert client.post(url).status_code == 302  # to the admin's login


def platform_form(course: Platform, **gradebook) -> dict:
    """The LMS course's admin form as an instructor sends it, with the gradebook link's
    fields (``gradebook``) for a link not saved yet."""
    form = {
        "course_context": str(course.course_context_id),
        "frame_origins": course.frame_origins,
        "gradebooks-TOTAL_FORMS": "1",
        "gradebooks-INITIAL_FORMS": "0",
        "gradebooks-MIN_NUM_FORMS": "0",
        "gradebooks-MAX_NUM_FORMS": "1",
    }
    form.update({f"gradebooks-0-{name}": value for name, value in gradebook.items()})
    return form


def test_instructors_choose_the_grade_its_column_and_maximum(
    client, registered, platform, instructor, settings
):
    settings.LTI_GRADE_SOURCE = "participation.grades.for_lms"
    launch(client, platform, LEARNER)
    registered.refresh_from_db()
    client.force_login(instructor)
    change = reverse("admin:lti_platform_change", args=[registered.pk])
    page = client.get(change).content.decode()
    assert "Post grades: the mean of the student&#x27;s graded posts" in page
    assert '<option value="participation.grades.for_lms" selected>' in page  # the default
    assert not GradebookLink.objects.exists()  # showing the page writes nothing
    chosen = platform_form(
        registered,
        source="participation.grades.post_grades_for_lms",
        label="Blog posts",
        maximum="20",
    )
    response = client.post(change, chosen)
    assert response.status_code == 302, response.content.decode()
    link = GradebookLink.objects.get()
    assert (link.context, link.source) == (
        registered.course_context,
        "participation.grades.post_grades_for_lms",
    )
    assert (link.label, link.maximum) == ("Blog posts", 20)
    assert registered.gradebook_link() == link


def test_a_source_not_offered_is_refused(client, registered, platform, instructor):
    launch(client, platform, LEARNER)
    registered.refresh_from_db()
    client.force_login(instructor)
    change = reverse("admin:lti_platform_change", args=[registered.pk])
    wrong = platform_form(registered, source="os.system", label="Blog", maximum="20")
    response = client.post(change, wrong)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not GradebookLink.objects.exists()


def test_instructors_see_each_failure_and_retry_the_failed_alone(
    client, registered, platform, instructor, settings
):
    settings.LTI_GRADE_SOURCE = "tests.lti.test_grades.everyone_gets_ten"
    launch(client, platform, LEARNER)
    launch(client, platform, INSTRUCTOR)
    registered.refresh_from_db()
    platform.failing_users = {LEARNER.sub, INSTRUCTOR.sub}
    send_grades(registered)
    client.force_login(instructor)
    listing = reverse("admin:lti_sentscore_changelist")
    page = client.get(listing, {"status__exact": "failed"}).content.decode()
    assert "Ana López" in page
    assert "Morgan Reyes" in page
    assert "the gradebook is busy" in page
    assert '<option value="retry_failed_action">Retry failed</option>' in page
    platform.failing_users = set()
    ana = SentScore.objects.get(user__lti_users__sub=LEARNER.sub)
    action = {"action": "retry_failed_action", "_selected_action": [str(ana.pk)], "index": "0"}
    done = client.post(listing, action, follow=True).content.decode()
    assert "Test LMS: Modern History: 1 sent" in done
    assert [post["userId"] for post in platform.score_posts[-1:]] == [LEARNER.sub]
    assert list(SentScore.objects.failed().values_list("user__lti_users__sub", flat=True)) == [
        INSTRUCTOR.sub
    ]
    retry = reverse("admin:lti_platform_retry_grades", args=[registered.pk])
    page = client.post(retry, follow=True).content.decode()
    assert "Grades: 1 sent, 0 already in the gradebook." in page
    assert not SentScore.objects.failed().exists()


@pytest.mark.parametrize("staff", [False, True])
def test_a_student_never_reaches_the_lms_course_or_its_scores(
    client, registered, platform, student, settings, staff
):
    # Even a student given the admin's door (is_staff) is not an instructor.
    settings.LTI_GRADE_SOURCE = "tests.lti.test_grades.everyone_gets_ten"
    launch(client, platform, LEARNER)
    registered.refresh_from_db()
    platform.failing_users = {LEARNER.sub}
    send_grades(registered)
    student.is_staff = staff
    student.save()
    client.force_login(student)
    record = SentScore.objects.get()
    pages = [
        reverse("admin:lti_platform_change", args=[registered.pk]),
        reverse("admin:lti_sentscore_changelist"),
        reverse("admin:lti_sentscore_change", args=[record.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "the gradebook is busy" not in response.content.decode()
    posts = [
        reverse("admin:lti_platform_send_grades", args=[registered.pk]),
        reverse("admin:lti_platform_retry_grades", args=[registered.pk]),
    ]
    platform.failing_users = set()
    for url in posts:
        assert client.post(url).status_code in (302, 403), url
    action = {"action": "retry_failed_action", "_selected_action": [str(record.pk)], "index": "0"}
    assert client.post(reverse("admin:lti_sentscore_changelist"), action).status_code in (302, 403)
    assert SentScore.objects.failed().exists()  # nothing was sent again
    if staff:
        index = client.get(reverse("admin:index")).content.decode()
        assert "LMS course" not in index
        assert "sent score" not in index.lower()
