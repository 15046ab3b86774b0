"""The admin's WordPress import (an upload run in bounded steps) and export download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comments.models import Comment
from posts.models import Post
from tests.factories import make_user
from tests.wordpress.conftest import fixture
from wordpress.models import ImportJob

pytestmark = pytest.mark.django_db
ADD = reverse("admin:wordpress_importjob_add")
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def admin_client(client, instructor):
    client.force_login(instructor)
    return client


def upload(client, name="threads.xml", **fields):
    data = fixture(name).read_bytes()
    return client.post(ADD, {"file": SimpleUploadedFile(name, data, "text/xml"), **fields})


def step(client, job):
    return client.post(reverse("admin:wordpress_importjob_step", args=[job.pk]), **JSON).json()


def run_to_the_end(client, job, limit=20):
    statuses = []
    while not (statuses and statuses[-1]["finished"]) and len(statuses) < limit:
        statuses.append(step(client, job))
    return statuses


def test_the_instructor_uploads_a_file_and_steps_it_to_the_end(admin_client):
    response = upload(admin_client)
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Waiting to start" in page
    assert 'id="import-continue"' in page
    statuses = run_to_the_end(admin_client, job)
    assert statuses[0]["itemsTotal"] == 1  # the first step reads the whole file
    assert statuses[0]["itemsDone"] == 0
    assert statuses[-1] == {
        "state": "done", "stateDisplay": "Imported", "finished": True, "itemsDone": 1,
        "itemsTotal": 1, "commentsDone": 8, "commentsTotal": 8, "error": "",
    }  # fmt: skip
    assert Post.objects.get().title == "The Sino-Soviet Split"
    assert Comment.objects.count() == 7
    report = admin_client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-report"' in report
    assert "Pingbacks and trackbacks: 1" in report
    assert "replies to comment 999" in report
    job.refresh_from_db()
    assert not job.file  # the uploaded copy is gone once imported


def test_each_step_is_bounded(admin_client, settings):
    settings.WXR_IMPORT_STEP_SECONDS = 0  # one item a step
    upload(admin_client, "wxr-1.0.xml")
    job = ImportJob.objects.get()
    statuses = run_to_the_end(admin_client, job)
    assert [s["itemsDone"] for s in statuses] == [0, 1, 2]
    assert Post.objects.count() == 2


def test_importing_the_same_file_again_says_nothing_changed(admin_client):
    upload(admin_client)
    run_to_the_end(admin_client, ImportJob.objects.get())
    upload(admin_client)
    again = ImportJob.objects.latest("pk")
    run_to_the_end(admin_client, again)
    page = admin_client.get(again.get_absolute_url()).content.decode()
    assert "Nothing changed: everything in the file was imported before." in page
    assert Post.objects.count() == 1


def test_a_broken_file_fails_with_its_line_and_imports_nothing(admin_client):
    upload(admin_client, "truncated.xml")
    job = ImportJob.objects.get()
    status = step(admin_client, job)
    assert status["state"] == "failed"
    assert status["error"].startswith("Line 48: The file cannot be read")
    assert status["error"].endswith("Nothing was imported.")
    page = admin_client.get(job.get_absolute_url()).content.decode()
    assert "Line 48" in page
    assert not Post.objects.exists()


def test_only_xml_files_are_taken(admin_client):
    response = admin_client.post(ADD, {"file": SimpleUploadedFile("roster.csv", b"a,b")})
    assert response.status_code == 200
    assert "Choose the .xml file WordPress exported." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_without_javascript_the_continue_button_steps_and_comes_back(admin_client):
    upload(admin_client)
    job = ImportJob.objects.get()
    response = admin_client.post(reverse("admin:wordpress_importjob_step", args=[job.pk]))
    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert job.state == "running"


def test_students_cannot_import_or_export(client):
    client.force_login(make_user("caroline"))
    assert client.get(ADD).status_code == 302  # to the admin's login
    assert client.get(reverse("admin:wordpress_export")).status_code == 302


def test_the_export_downloads_as_a_file(admin_client):
    page = admin_client.get(reverse("admin:wordpress_export"))
    assert "Download the export" in page.content.decode()
    response = admin_client.get(reverse("admin:wordpress_export"), {"download": "1"})
    assert response["Content-Disposition"].startswith('attachment; filename="coursblog.wordpress.')
    body = b"".join(response.streaming_content).decode()
    assert "<wp:wxr_version>1.2</wp:wxr_version>" in body


def test_the_uploaded_file_gets_a_name_nobody_can_guess(admin_client):
    upload(admin_client)
    name = ImportJob.objects.get().file.name
    assert "threads" not in name
    assert len(name.rsplit("/", 1)[1]) == len("0123456789abcdef0123456789abcdef.xml")
