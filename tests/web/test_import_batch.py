"""Several minutes at once on the web: files and a .zip uploaded together, followed on one page as each
is read, then imported all together as read (each whole, or refused with its reason)."""

from __future__ import annotations

import io
import zipfile

from cast import FIXTURES, SEED_DOCX, Cast, signed_in, text_of
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from shared import corpus_file

from boardkeeper.meetings.models import Meeting, PendingImport

SEED_TXT = FIXTURES / "warwickshire-executive-board-2022-02-23.txt"
SEED_PDF = FIXTURES / "warwickshire-executive-board-2022-02-23.pdf"


def catalogue_zip() -> SimpleUploadedFile:
    """Five real minutes (three renditions of one meeting, two of other bodies) and an empty file, in
    folders, with the clutter an archive made on a Mac carries."""
    icat = corpus_file("01_icat-steering-group-2015-12-09.txt")
    dereham = corpus_file("03_west-dereham-pc-2008-09-18.txt")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("2022/" + SEED_DOCX.name, SEED_DOCX.read_bytes())
        z.writestr("2022/" + SEED_PDF.name, SEED_PDF.read_bytes())
        z.writestr("older/" + icat.name, icat.read_bytes())
        z.writestr("older/" + dereham.name, dereham.read_bytes())
        z.writestr("older/empty.txt", b"")
        z.writestr("__MACOSX/2022/._minutes.docx", b"\x00\x05\x16\x07")
    return SimpleUploadedFile("catalogue.zip", buffer.getvalue(), content_type="application/zip")


def upload(client: Client, cast: Cast, *files: SimpleUploadedFile) -> str:
    response = client.post(
        reverse("import_several", args=[cast.partnership.slug, cast.board.slug]), {"files": list(files)}
    )
    assert response.status_code == 302, response.content[:400]
    return str(response["Location"])


def test_files_and_a_zip_are_followed_on_one_page_and_imported_all_as_read(
    cast: Cast, manager: Client
) -> None:
    batch_url = upload(
        manager, cast, catalogue_zip(), SimpleUploadedFile(SEED_TXT.name, SEED_TXT.read_bytes())
    )
    page = text_of(manager.get(batch_url))
    assert "6 of 6 files read" in page  # read at once here (no worker configured): each with its state
    names = list(PendingImport.objects.order_by("name").values_list("name", "status"))
    assert ("catalogue.zip:older/empty.txt", "failed") in names and len(names) == 6  # no Mac clutter
    assert "the file is empty" in page
    assert "Import all 5 as read" in page and "meeting of 23 February 2022" in page

    done = manager.post(batch_url + "import-all/", follow=True)
    text = text_of(done)
    assert "3 meetings imported" in text
    # the other two renditions of 23 February are refused, each with its reason, and wait to be checked
    assert text.count("already has a meeting on 23 February 2022") == 2
    assert Meeting.objects.filter(board=cast.board).count() == 3
    assert PendingImport.objects.filter(status="ready").count() == 2
    assert "Import all 2 as read" in text


def test_the_batch_page_polls_while_files_are_being_read(cast: Cast, manager: Client) -> None:
    batch_url = upload(manager, cast, SimpleUploadedFile(SEED_TXT.name, SEED_TXT.read_bytes()))
    PendingImport.objects.update(status=PendingImport.Status.READING)  # as while a worker reads it
    fragment = manager.get(batch_url, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html and "0 of 1 file read; reading the rest" in html
    assert "<html" not in html  # the fragment only
    PendingImport.objects.update(status=PendingImport.Status.READY)
    assert 'hx-trigger="every 2s"' not in manager.get(batch_url).content.decode()  # all read: it stops


def test_no_file_chosen_is_a_clear_error(cast: Cast, manager: Client) -> None:
    response = manager.post(reverse("import_several", args=[cast.partnership.slug, cast.board.slug]), {})
    assert response.status_code == 400
    assert "Choose the minutes files to import, or a .zip of them." in text_of(response)
    assert not PendingImport.objects.exists()


def test_only_the_business_team_uploads_and_follows_a_batch(cast: Cast, manager: Client) -> None:
    batch_url = upload(manager, cast, SimpleUploadedFile(SEED_TXT.name, SEED_TXT.read_bytes()))
    several = reverse("import_several", args=[cast.partnership.slug, cast.board.slug])
    member = signed_in(cast.member)
    assert member.get(several).status_code == 403
    assert member.get(batch_url).status_code == 403
    assert member.post(batch_url + "import-all/").status_code == 403
    outsider = signed_in(cast.outsider)
    assert outsider.get(batch_url).status_code == 404
    assert not Meeting.objects.exists()
