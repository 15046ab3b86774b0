"""The instructor brings a class in from a roster CSV."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.roles import STUDENTS
from tests.factories import make_user

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:accounts_user_import_roster")

ROSTER = """name,email,username
Caroline Hughes,caroline@example.edu,caroline
Ethan Brooks,ETHAN@example.edu,
Nobody,not-an-email,
,missing-name@example.edu,
Too,many,columns,here,now
Ana María López de la Cruz,ana@example.edu,
"""


def upload(text: str, invite: bool = True):
    data = {"roster": SimpleUploadedFile("roster.csv", text.encode("utf-8"), "text/csv")}
    if invite:
        data["invite"] = "on"
    return data


@pytest.fixture
def instructor_client(client):
    client.force_login(make_user("teacher", instructor=True))
    return client


def test_a_roster_imports_the_good_rows_and_reports_the_bad_ones(instructor_client):
    response = instructor_client.post(IMPORT, upload(ROSTER))
    html = response.content.decode()

    assert response.status_code == 200
    assert "3 new accounts, 0 updated" in html
    assert "Line 4: “not-an-email” is not an email address." in html
    assert "Line 5: The name is empty." in html
    assert (
        "Line 6: expected name, email, and optionally a username and a display name; "
        "found 5 columns." in html
    )
    caroline = User.objects.get(username="caroline")
    assert (caroline.first_name, caroline.last_name) == ("Caroline", "Hughes")
    ethan = User.objects.get(email="ethan@example.edu")
    assert ethan.username == "ethan"
    assert User.objects.get(email="ana@example.edu").last_name == "Cruz"
    assert all(u.groups.filter(name=STUDENTS).exists() for u in (caroline, ethan))
    assert not caroline.has_usable_password()


def test_invitations_carry_a_working_set_password_link(instructor_client):
    instructor_client.post(IMPORT, upload("Caroline Hughes,caroline@example.edu,caroline\n"))

    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["caroline@example.edu"]
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", invitation.body).group(0)

    student = Client()
    page = student.get(link, follow=True)
    assert page.status_code == 200
    set_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = student.post(
        set_url, {"password1": "a-long-new-passphrase", "password2": "a-long-new-passphrase"}
    )
    assert done.status_code == 302
    assert student.login(username="caroline", password="a-long-new-passphrase")


def test_importing_again_updates_and_never_duplicates(instructor_client):
    instructor_client.post(IMPORT, upload("Caroline Hughes,caroline@example.edu,caroline\n"))
    mail.outbox.clear()
    response = instructor_client.post(
        IMPORT,
        upload(
            "Caroline Hughes-Park,CAROLINE@example.edu,caroline\nEthan Brooks,ethan@example.edu\n"
        ),
    )
    assert "1 new account, 1 updated" in response.content.decode()
    assert User.objects.filter(email__iexact="caroline@example.edu").count() == 1
    assert User.objects.get(username="caroline").last_name == "Hughes-Park"
    assert [m.to for m in mail.outbox] == [["ethan@example.edu"]]


def test_a_username_of_someone_else_is_refused(instructor_client):
    make_user("caroline", email="other@example.edu")
    response = instructor_client.post(
        IMPORT, upload("Caroline Hughes,caroline@example.edu,caroline\n")
    )
    assert "Line 1: The username “caroline” belongs to someone else." in response.content.decode()


def test_a_file_that_is_not_utf8_is_explained(instructor_client):
    data = {"roster": SimpleUploadedFile("roster.csv", "Zoë,z@example.edu".encode("latin-1"))}
    response = instructor_client.post(IMPORT, data)
    assert "not UTF-8 text" in response.content.decode()


def test_students_cannot_import_rosters(client, student):
    client.force_login(student)
    assert client.get(IMPORT).status_code == 302  # not staff: sent to the admin login


def test_the_roster_sets_display_names_and_refuses_a_taken_one(rf, db):
    from accounts.roster import import_roster

    taken = User.objects.create_user(username="kes", display_name="Kestrel")
    data = (
        b"name,email,username,display name\n"
        b"Ana Lima,ana@example.edu,,Heron\n"
        b"Ben Ode,ben@example.edu,,kestrel\n"
        b"Cleo Dane,cleo@example.edu,,\n"
    )
    report = import_roster(data, request=rf.get("/"), invite=False)
    assert User.objects.get(email="ana@example.edu").display_name == "Heron"
    assert User.objects.get(email="cleo@example.edu").display_name == "Cleo Dane"
    assert report.problems == [(3, "The display name “kestrel” belongs to someone else.")]
    assert taken.display_name == "Kestrel"


def test_the_roster_vouches_for_the_students_addresses(rf, db):
    from allauth.account.models import EmailAddress

    from accounts.roster import import_roster

    import_roster(b"Ana Lima,ana@example.edu\n", request=rf.get("/"), invite=False)
    address = EmailAddress.objects.get(email="ana@example.edu")
    assert address.verified
    assert address.primary
