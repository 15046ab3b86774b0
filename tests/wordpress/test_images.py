"""Images from a copy of wp-content/uploads, through the upload pipeline."""

import pytest
from PIL import Image as PILImage

from images.models import Image
from posts.models import Post
from tests.wordpress.conftest import fixture
from wordpress import importer

pytestmark = pytest.mark.django_db


@pytest.fixture
def uploads(tmp_path):
    folder = tmp_path / "uploads"
    (folder / "2018" / "11").mkdir(parents=True)
    PILImage.new("RGB", (1200, 800), "steelblue").save(folder / "2018" / "11" / "map.jpg")
    return folder


def test_images_come_from_the_uploads_folder_and_the_addresses_follow(uploads):
    report = importer.import_file(fixture("images.xml"), importer.Options(media_dir=uploads))
    image = Image.objects.get()  # map.jpg once, though named three times
    assert (image.width, image.height) == (1200, 800)
    post = Post.objects.get()
    assert post.featured_image == image
    assert post.featured_image_alt == "The Ussuri river between the USSR and China"
    assert f'src="{image.fallback_url}"' in post.body  # the resized copy's original
    assert f'href="{image.file.url}"' in post.body
    assert "<figcaption>The Ussuri, 1969</figcaption>" in post.body
    assert "[caption" not in post.body
    # The image the folder lacks keeps its address and is listed.
    assert 'src="https://hist212.example.edu/wp-content/uploads/2018/11/lost.jpg"' in post.body
    assert report.missing_images == [
        "https://hist212.example.edu/wp-content/uploads/2018/11/lost.jpg"
    ]
    assert report.counts["images"] == {"created": 1, "updated": 0, "unchanged": 0, "skipped": 1}


def test_images_are_not_made_twice(uploads):
    importer.import_file(fixture("images.xml"), importer.Options(media_dir=uploads))
    again = importer.import_file(fixture("images.xml"), importer.Options(media_dir=uploads))
    assert Image.objects.count() == 1
    assert again.counts["images"]["unchanged"] == 1


def test_without_a_media_folder_every_image_keeps_its_address():
    report = importer.import_file(fixture("images.xml"), importer.Options())
    assert not Image.objects.exists()
    assert "wp-content/uploads/2018/11/map-300x200.jpg" in Post.objects.get().body
    assert report.reasons["no --media-dir given"] == 2


def test_a_path_outside_the_uploads_folder_is_never_read(uploads, tmp_path):
    from wordpress.media import Uploads

    (tmp_path / "secret.jpg").write_bytes(b"not for you")
    assert Uploads(uploads).file_for("../secret.jpg") is None
    assert Uploads(uploads).file_for("2018/11/map-300x200.jpg")[0] == "2018/11/map.jpg"
