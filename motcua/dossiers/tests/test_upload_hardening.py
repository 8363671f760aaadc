"""Uploads an attacker would try (issue 11, finding 9): files that are two things at once are
refused by parsing the whole file, zip bombs by their declared sizes before anything is
stored, and the per-dossier size and file-count caps hold when uploads race."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from motcua.dossiers import attachments
from motcua.dossiers.models import Attachment, Dossier
from motcua.dossiers.tests.files import DOCX, JPEG, PDF, docx_bytes

from .test_attachments import client_for, dossier, media, upload

__all__ = ["dossier", "media"]

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("polyglot.pdf", PDF.replace(b"%%EOF", HTML + b"\n%%EOF")),
        ("html-in-pdf.pdf", b"%PDF-1.4\n" + HTML),
        ("anh.jpg", JPEG[:20] + HTML),
        ("anh-cut.jpg", JPEG[: len(JPEG) // 2]),
        (
            "js.pdf",
            PDF.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript >>"),
        ),
        ("html-part.docx", docx_bytes(extra={"word/page.html": HTML})),
        ("html-main.docx", docx_bytes(document="<html><body>x</body></html>")),
        ("not-word.docx", docx_bytes(document='<?xml version="1.0"?><a xmlns="urn:x"/>')),
    ],
)
def test_files_that_are_two_things_at_once_are_refused(
    dossier: Dossier, media: Path, name: str, content: bytes
) -> None:
    response = upload(client_for("desk"), dossier.code, name, content)
    assert response.status_code == 415, response.content
    assert "detail" in response.json()
    assert not Attachment.objects.filter(dossier=dossier).exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_real_files_still_pass(dossier: Dossier) -> None:
    desk = client_for("desk")
    for name, content in (("a.pdf", PDF), ("b.jpg", JPEG), ("c.docx", DOCX)):
        assert upload(desk, dossier.code, name, content).status_code == 201


def _pdf(content: bytes = b"", *, javascript: bool = False, annotation: Any = None) -> bytes:
    """A one-page PDF written by pypdf, with ``content`` as its page's (uncompressed) content
    stream, document-level JavaScript, or one link annotation with the action given."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        StreamObject,
        TextStringObject,
    )

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if content:
        stream = StreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
    if javascript:  # document-level JavaScript, as the catalogue's names tree holds it
        action = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject("app.alert('x');"),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("x"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if annotation is not None:
        page[NameObject("/Annots")] = ArrayObject(
            [writer._add_object(DictionaryObject(annotation))]
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _launch() -> dict[Any, Any]:
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    return {
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(50)] * 2),
        NameObject("/A"): DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc")}
        ),
    }


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("js-names.pdf", lambda: _pdf(b"BT ET", javascript=True)),
        ("launch-link.pdf", lambda: _pdf(b"BT ET", annotation=_launch())),
    ],
)
def test_pdfs_that_run_code_are_refused_wherever_the_action_sits(
    dossier: Dossier, media: Path, name: str, make: Any
) -> None:
    response = upload(client_for("desk"), dossier.code, name, make())
    assert response.status_code == 415, response.content
    assert "JavaScript" in response.json()["detail"]
    assert not Attachment.objects.filter(dossier=dossier).exists()


def test_bytes_inside_a_pdf_stream_are_not_taken_for_code_or_markup(dossier: Dossier) -> None:
    # Compressed page contents, fonts and scanned images are arbitrary bytes: "/JS", "<svg"
    # and the like turn up in them by chance. Such a PDF is a plain document and is taken.
    noise = b"q 0 0 m /JS 1 Tf % <svg <html javascript: /Launch /JavaScript\nQ"
    response = upload(client_for("desk"), dossier.code, "quet.pdf", _pdf(noise))
    assert response.status_code == 201, response.content


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"<a/>" + b" " * (40 * 1024 * 1024))
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_declared_sizes(dossier: Dossier, media: Path) -> None:
    bomb = _bomb()
    assert len(bomb) < 1024 * 1024  # small on the wire, 40 MB unpacked
    response = upload(client_for("desk"), dossier.code, "bom.docx", bomb)
    assert response.status_code == 415
    assert "nén" in response.json()["detail"]
    assert not any(p.is_file() for p in media.rglob("*"))


def test_the_dossier_size_cap_holds_when_uploads_race(
    dossier: Dossier, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.MOTCUA_MAX_DOSSIER_UPLOAD_MB = 1
    filler = PDF + b"%" + b"0" * (600 * 1024)
    desk = client_for("desk")
    # A second upload lands while the first is being written to storage, after the first
    # one's early check: exactly what two concurrent requests do.
    original = default_storage.save
    raced = {"done": False}

    def save_with_a_rival(name: str, content: Any, max_length: int | None = None) -> str:
        if not raced["done"]:
            raced["done"] = True
            assert upload(desk, dossier.code, "rival.pdf", filler).status_code == 201
        return original(name, content, max_length=max_length)

    monkeypatch.setattr(default_storage, "save", save_with_a_rival)
    response = upload(desk, dossier.code, "second.pdf", filler)
    assert response.status_code == 413
    total = sum(a.size for a in Attachment.objects.filter(dossier=dossier))
    assert total <= 1024 * 1024
    assert Attachment.objects.filter(dossier=dossier).count() == 1


def test_a_dossier_holds_at_most_the_configured_number_of_files(
    dossier: Dossier, settings: Any
) -> None:
    settings.MOTCUA_MAX_DOSSIER_FILES = 2
    desk = client_for("desk")
    assert [upload(desk, dossier.code, f"{i}.pdf", PDF).status_code for i in range(3)] == [
        201,
        201,
        413,
    ]
    assert attachments.max_dossier_files() == 2
