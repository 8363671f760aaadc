"""Real, minimal files of every accepted type, made on the spot (the upload checks parse the
whole file, so a header alone is no longer a PDF or a PNG)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from reportlab.pdfgen import canvas


def pdf_bytes(text: str = "MotCua") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out, pageCompression=1, invariant=1)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (2, 2)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_DOC = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>MotCua</w:t></w:r></w:p></w:body></w:document>"
)


def docx_bytes(document: str = _DOC, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", _CT)
        package.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


PDF = pdf_bytes()
PNG = image_bytes("PNG")
JPEG = image_bytes("JPEG")
DOCX = docx_bytes()
