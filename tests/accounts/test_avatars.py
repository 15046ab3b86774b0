"""Avatars: drawn here from the name the reader sees, or the member's own picture,
shown beside their name on posts; never the author's for work anonymous to classmates."""

import io
import re
import shutil

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image as PILImage

from accounts import avatars
from accounts.models import User
from accounts.roles import make_student
from course.models import Audience, CourseSettings
from images import publication
from tests.factories import make_post, make_user
from tests.images.files import png_claiming


@pytest.mark.parametrize(
    ("name", "letters"),
    [
        ("Ana María López", "AL"),
        ("Caroline", "C"),
        ("caroline jones", "CJ"),
        ("王小明", "王"),
        ("Αλέξανδρος Παπαδόπουλος", "ΑΠ"),
        ("Мария Иванова", "МИ"),
        ("علي حسن", "عح"),
        ("अनुष्का शर्मा", "अश"),
        ("किरण राव", "किरा"),  # a vowel sign stays with its letter
        ("क्षमा", "क"),  # a virama does not (half a letter)
        ("e\u0301lodie", "É"),  # decomposed: composed first
        ("ßtraße", "ß"),  # "ß".upper() is "SS": kept as it is
        ("🎸 Rocker!", "R"),
        ("  (Dr.) -- O'Brien  ", "DO"),
        ("Student 42", "S"),  # a word without a letter is skipped
        ("42", "4"),
        ("🙂 🎉", ""),
        ("...", ""),
        ("", ""),
    ],
)
def test_initials_take_the_first_letters_of_the_first_and_last_words(name, letters):
    assert avatars.initials(name) == letters


def test_every_palette_colour_gives_white_text_aa_contrast():
    for colour in avatars.PALETTE:
        assert avatars.contrast(colour, "#ffffff") >= 4.5, colour


def test_the_contrast_ratio_is_computed_as_wcag_says():
    assert avatars.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert avatars.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert avatars.contrast("#ffffff", "#ffffff") == pytest.approx(1)


def test_a_names_colour_is_stable_and_ignores_case():
    assert avatars.colour_for("Caroline Jones") == avatars.colour_for("caroline JONES")
    assert avatars.colour_for("Caroline Jones") in avatars.PALETTE
    # crc32, not Python's salted hash: the same in every process.
    assert avatars.tone("Caroline Jones") == 2
    assert len({avatars.colour_for(f"Student {n}") for n in range(40)}) == len(avatars.PALETTE)


def test_the_drawn_avatar_is_hidden_svg_with_escaped_initials():
    svg = avatars.initials_svg("<b>ob & Co", 32)
    assert svg.startswith('<svg class="avatar-image" width="32" height="32"')
    assert 'aria-hidden="true"' in svg
    assert f'fill="{avatars.colour_for("<b>ob & Co")}"' in svg
    assert ">BC</text>" in svg  # "<b>ob" starts with a letter after the bracket
    assert "<b>" not in svg


def test_a_name_without_letters_or_digits_gets_the_neutral_avatar():
    assert avatars.Avatar("🙂").html(24) == avatars.neutral_svg(24)


def test_a_hidden_author_gets_the_neutral_avatar_never_their_picture():
    user = User(avatar_small="avatars/a-48.webp", avatar_large="avatars/a-96.webp")
    assert avatars.avatar_for(user, "Anonymous classmate", hidden=True) == avatars.NEUTRAL
    shown = avatars.avatar_for(user, "Caroline")
    assert shown.has_picture
    assert 'src="/media/avatars/a-48.webp"' in shown.html(32)
    assert "/media/avatars/a-96.webp 96w" in shown.html(32)
    assert avatars.avatar_for(None, "A guest").html(32) == avatars.initials_svg("A guest", 32)


# Uploading a picture


def photo(size=(300, 200), colour="teal", image_format="JPEG", **save) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, image_format, **save)
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


def upload(client: Client, file) -> object:
    return client.post(reverse("accounts:avatar"), {"picture": file})


def stored(name: str):
    return PILImage.open(publication.private_path(name))


def test_an_uploaded_picture_is_kept_as_centre_squares_at_two_sizes(
    client, writer, django_capture_on_commit_callbacks
):
    buffer = io.BytesIO()
    wide = PILImage.new("RGB", (300, 100), "red")
    wide.paste((0, 0, 255), (100, 0, 200, 100))  # a blue square in the middle
    exif = wide.getexif()
    exif[0x010F] = "Camera maker"
    wide.save(buffer, "JPEG", exif=exif)
    file = SimpleUploadedFile("wide.jpg", buffer.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, file)
    assert response.status_code == 302
    writer.refresh_from_db()
    for field, side in ((writer.avatar_small, 48), (writer.avatar_large, 96)):
        assert re.fullmatch(rf"avatars/[0-9a-f]{{32}}-{side}\.webp", field.name)
        with stored(field.name) as square:
            assert square.size == (side, side)
            assert square.format == "WEBP"
            assert not square.getexif()
            red, _green, blue = square.convert("RGB").getpixel((side // 2, side // 2))
            assert red < 60  # the blue centre, not the red sides
            assert blue > 200
    page = client.get(reverse("accounts:account"))
    assert "Your picture is saved." in page.content.decode()
    assert writer.avatar_large.name in page.content.decode()


def test_a_new_picture_replaces_the_old_ones_files(
    client, writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, photo(colour="teal"))
    writer.refresh_from_db()
    old = publication.avatar_names(writer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, photo(colour="orange"))
    writer.refresh_from_db()
    assert publication.avatar_names(writer) != old
    assert not any(publication.private_path(name).exists() for name in old)
    assert not any((publication.public_root() / name).exists() for name in old)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4 not a picture", "This file is not an image we can read."),
        (png_claiming(30000, 30000), "million pixels"),  # a decompression bomb
        (png_claiming(2000, 50), "too long and thin"),
    ],
)
def test_a_file_that_is_not_a_picture_we_accept_is_refused_clearly(
    client, writer, content, message
):
    response = upload(client, SimpleUploadedFile("me.png", content, content_type="image/png"))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'class="field-error" id="id_picture_error"' in page
    assert 'value="Anderson"' in page  # the display name form is still there, filled
    writer.refresh_from_db()
    assert publication.avatar_names(writer) == []


def test_a_too_large_file_is_refused_before_it_is_opened(client, writer, settings):
    settings.IMAGE_MAX_BYTES = 1000
    response = upload(client, photo(size=(400, 400), quality=100))
    assert response.status_code == 400
    assert "images can be at most" in response.content.decode()
    writer.refresh_from_db()
    assert not writer.avatar_small


def test_a_picture_may_be_larger_than_a_forms_body_but_not_than_an_upload(client, writer, settings):
    settings.REQUEST_MAX_BYTES = 10_000
    settings.UPLOAD_REQUEST_MAX_BYTES = 100_000
    junk = SimpleUploadedFile("big.png", b"x" * 50_000, content_type="image/png")
    response = upload(client, junk)
    assert response.status_code == 400  # read by the view, which says why
    assert "This file is not an image we can read." in response.content.decode()
    huge = SimpleUploadedFile("huge.png", b"x" * 200_000, content_type="image/png")
    assert upload(client, huge).status_code == 413


def test_no_file_asks_for_one(client, writer):
    response = client.post(reverse("accounts:avatar"), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_a_rejected_picture_keeps_the_one_there_was(client, writer):
    upload(client, photo())
    writer.refresh_from_db()
    before = publication.avatar_names(writer)
    upload(client, SimpleUploadedFile("x.png", b"nope", content_type="image/png"))
    writer.refresh_from_db()
    assert publication.avatar_names(writer) == before
    assert all(publication.private_path(name).exists() for name in before)


def test_removing_the_picture_brings_back_the_initials(
    client, writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, photo())
    writer.refresh_from_db()
    names = publication.avatar_names(writer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:remove_avatar"))
    assert response.status_code == 302
    writer.refresh_from_db()
    assert publication.avatar_names(writer) == []
    assert not any(publication.private_path(name).exists() for name in names)
    page = client.get(reverse("accounts:account")).content.decode()
    assert avatars.initials_svg("Anderson", 96) in page
    assert "Remove the picture" not in page


def test_an_instructor_removes_a_students_picture_in_the_admin(
    client, writer, django_capture_on_commit_callbacks
):
    upload(client, photo())
    writer.refresh_from_db()
    names = publication.avatar_names(writer)
    client.force_login(make_user("teacher", instructor=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "remove_pictures", "_selected_action": [writer.pk]},
            follow=True,
        )
    assert "Pictures removed: 1." in response.content.decode()
    writer.refresh_from_db()
    assert publication.avatar_names(writer) == []
    assert not any(publication.private_path(name).exists() for name in names)


def test_only_members_upload_and_only_by_post(client, db):
    assert client.post(reverse("accounts:avatar")).status_code == 302  # to log in
    user = make_user("someone")
    client.force_login(user)
    assert client.get(reverse("accounts:avatar")).status_code == 405
    assert client.get(reverse("accounts:remove_avatar")).status_code == 405


# Who may fetch a picture


@pytest.fixture
def pictured(writer, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, photo())
    writer.refresh_from_db()
    client.logout()
    return writer


def fetch(name: str, user=None) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/media/{name}")
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response.status_code


def set_course_audience(audience: str, capture) -> None:
    course = CourseSettings.load()
    course.visibility = audience
    with capture(execute=True):
        course.save()


def test_on_a_public_course_pictures_are_static_files(pictured):
    for name in publication.avatar_names(pictured):
        assert (publication.public_root() / name).is_file()
        assert fetch(name) == 200


@pytest.mark.parametrize(
    ("reader", "status"),
    [("guest", 404), ("member", 404), ("student", 200), ("instructor", 200), ("owner", 200)],
)
def test_on_a_class_only_course_only_the_class_fetches_pictures(
    pictured, django_capture_on_commit_callbacks, reader, status
):
    set_course_audience(Audience.CLASS, django_capture_on_commit_callbacks)
    classmate = make_user("classmate")
    make_student(classmate)
    readers = {
        "guest": None,
        "member": make_user("outsider"),
        "student": classmate,
        "instructor": make_user("teacher", instructor=True),
        "owner": pictured,
    }
    for name in publication.avatar_names(pictured):
        assert not (publication.public_root() / name).exists()
        assert fetch(name, readers[reader]) == status


def test_pictures_go_public_again_with_the_course(pictured, django_capture_on_commit_callbacks):
    set_course_audience(Audience.MEMBERS, django_capture_on_commit_callbacks)
    names = publication.avatar_names(pictured)
    assert fetch(names[0]) == 404
    assert fetch(names[0], make_user("outsider")) == 200
    set_course_audience(Audience.PUBLIC, django_capture_on_commit_callbacks)
    assert (publication.public_root() / names[0]).is_file()
    assert fetch(names[0]) == 200


@pytest.mark.parametrize("name", ["avatars/0123456789abcdef0123456789abcdef-48.webp", "avatars/"])
def test_a_guessed_picture_address_is_not_found(db, name):
    assert fetch(name) == 404


# Pictures on posts


def test_the_post_page_shows_the_new_picture_at_once(client, writer):
    post = make_post(author=writer)
    guest = Client()
    before = guest.get(post.get_absolute_url()).content.decode()
    assert avatars.initials_svg("Anderson", 32) in before
    upload(client, photo())
    writer.refresh_from_db()
    after = guest.get(post.get_absolute_url()).content.decode()
    assert writer.avatar_small.name in after
    assert avatars.initials_svg("Anderson", 32) not in after
    home = guest.get(reverse("posts:list")).content.decode()
    assert writer.avatar_small.name in home
    author_page = guest.get(reverse("posts:author", kwargs={"pk": writer.pk})).content.decode()
    assert writer.avatar_small.name in author_page
    client.post(reverse("accounts:remove_avatar"))
    assert writer.avatar_small.name not in guest.get(post.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("reader", "sees_author"),
    [("student", False), ("guest", False), ("instructor", True), ("author", True)],
)
def test_an_anonymous_post_shows_the_neutral_avatar_to_all_but_instructors(
    client, writer, reader, sees_author
):
    upload(client, photo())
    writer.refresh_from_db()
    post = make_post(author=writer, anonymous=True)
    student = make_user("classmate")
    make_student(student)
    readers = {
        "student": student,
        "guest": None,
        "instructor": make_user("teacher", instructor=True),
        "author": writer,
    }
    viewer = Client()
    if readers[reader] is not None:
        viewer.force_login(readers[reader])
    pages = [
        viewer.get(post.get_absolute_url()).content.decode(),
        viewer.get(reverse("posts:list")).content.decode(),
    ]
    for page in pages:
        byline = re.search(r'<p class="byline">.*?</p>', page, re.S).group()
        assert (writer.avatar_small.name in byline) is sees_author
        assert ("avatar-neutral" in byline) is not sees_author


def test_a_post_without_a_picture_shows_its_authors_initials(client, db):
    author = make_user("painter", display_name="Frida Kahlo")
    post = make_post(author=author)
    page = client.get(post.get_absolute_url()).content.decode()
    byline = re.search(r'<p class="byline">.*?</p>', page, re.S).group()
    assert ">FK</text>" in byline


# Backups


@pytest.mark.django_db(transaction=True)
def test_a_course_backup_keeps_members_pictures(tmp_path):
    member = make_user("painter")
    avatars.set_picture(member, photo())  # on_commit runs: this test commits
    names = publication.avatar_names(member)
    files = {name: publication.private_path(name).read_bytes() for name in names}
    backup = tmp_path / "course.zip"
    call_command("export_course", str(backup), stdout=io.StringIO())

    call_command("flush", "--no-input", verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.PUBLIC_MEDIA_ROOT)
    call_command("import_course", str(backup), stdout=io.StringIO())

    restored = User.objects.get(username="painter")
    assert publication.avatar_names(restored) == names
    assert {name: publication.private_path(name).read_bytes() for name in names} == files
    assert all((publication.public_root() / name).is_file() for name in names)  # a public course
