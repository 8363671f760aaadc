"""What a stored file really is (issue 11, finding 9): the type is decided by parsing the whole
file, not by its first bytes, so a file that is two things at once — a PDF that is also an
HTML page, a JPEG header followed by a web page, a DOCX whose parts are HTML — is refused, and
so is a compressed file that would unpack to far more than it weighs (a zip bomb), judged by
the sizes it declares before anything is unpacked.

Each check raises :class:`FileRefused` with the reason in Vietnamese."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from typing import IO, Any

from defusedxml import ElementTree as SafeET

# Markup a browser would run as a page if it ever sniffed the file.
_ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta\s)"
    rb"|javascript:",
    re.IGNORECASE,
)
# PDF: the body of each stream (left out of the markup search), the names of the actions
# that run code, and how many objects a document may reach.
_STREAM_BODY = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_PDF_ACTIVE = frozenset({"/JavaScript", "/JS", "/Launch"})
MAX_PDF_OBJECTS = 200_000
# Office Open XML packages: limits on what a package may declare.
MAX_PARTS = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
_OOXML_MAIN = {
    "docx": (
        "word/document.xml",
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}document",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}workbook",
    ),
}
_OOXML_ACTIVE_PARTS = re.compile(r"\.(html?|xhtml|js|svg|mht|mhtml|hta|exe|dll|bin)$", re.I)


class FileRefused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read_all(upload: IO[bytes] | Any) -> bytes:
    upload.seek(0)
    data: bytes = upload.read()
    upload.seek(0)
    return data


def _no_markup(data: bytes, what: str) -> None:
    if _ACTIVE_MARKUP.search(data):
        raise FileRefused(f"Tệp {what} có chứa mã trang web (HTML/script): không nhận.")


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF-"):
        raise FileRefused("Tệp PDF phải bắt đầu bằng phần đầu PDF.")
    # Markup is looked for in the file's own syntax, not inside its streams: compressed page
    # contents, fonts and scanned images are arbitrary bytes, where any short pattern turns
    # up by chance (a scan of a few megabytes would be refused now and then).
    _no_markup(_STREAM_BODY.sub(b"stream endstream", data), "PDF")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if len(reader.pages) < 1:
                raise FileRefused("Tệp PDF không có trang nào.")
            for page in reader.pages:
                page.get_contents()  # every page's content must be readable
            runs_code = _pdf_runs_code(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise FileRefused("Tệp PDF bị hỏng hoặc không đọc được.") from exc
    if runs_code:
        raise FileRefused("Tệp PDF có mã tự chạy (JavaScript): không nhận.")


def _pdf_runs_code(reader: Any) -> bool:
    """Whether any object the document reaches (the catalogue, its pages, annotations, forms,
    names, and the objects packed in compressed object streams) is a JavaScript or Launch
    action or names one. A reader that runs code finds it the same way, from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > MAX_PDF_OBJECTS:
            raise FileRefused("Tệp PDF có quá nhiều đối tượng.")
        if isinstance(item, DictionaryObject):  # streams too: their dictionary
            for key, value in item.items():
                if key in _PDF_ACTIVE or (isinstance(value, NameObject) and value in _PDF_ACTIVE):
                    return True
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in _PDF_ACTIVE:
            return True
    return False


def _check_image(data: bytes, fmt: str) -> None:
    from PIL import Image, UnidentifiedImageError

    _no_markup(data, "ảnh")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise FileRefused("Nội dung ảnh không khớp với loại tệp.")
            width, height = image.size
            if width * height > 80_000_000:
                raise FileRefused("Ảnh quá lớn (quá 80 triệu điểm ảnh).")
            image.load()  # decodes every pixel: a header followed by anything else fails
    except FileRefused:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise FileRefused("Tệp ảnh bị hỏng hoặc không đúng định dạng.") from exc
    except Image.DecompressionBombError as exc:
        raise FileRefused("Ảnh quá lớn khi giải nén.") from exc


def _check_ooxml(data: bytes, kind: str) -> None:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused("Tệp Office bị hỏng.") from exc
    with package:
        members = package.infolist()
        if len(members) > MAX_PARTS:
            raise FileRefused("Tệp Office có quá nhiều thành phần.")
        declared = sum(member.file_size for member in members)
        if declared > MAX_UNPACKED_BYTES:
            raise FileRefused("Tệp Office giải nén ra quá lớn (nghi là bom nén).")
        for member in members:
            packed = max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and member.file_size / packed > MAX_RATIO:
                raise FileRefused("Tệp Office có tỉ lệ nén bất thường (nghi là bom nén).")
            if _OOXML_ACTIVE_PARTS.search(member.filename):
                raise FileRefused("Tệp Office chứa thành phần trang web hoặc chương trình.")
        names = {member.filename for member in members}
        main, root_tag = _OOXML_MAIN[kind]
        if "[Content_Types].xml" not in names or main not in names:
            raise FileRefused("Tệp Office thiếu thành phần bắt buộc.")
        for member in members:
            if not member.filename.endswith((".xml", ".rels")):
                continue
            try:
                part = package.read(member)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                raise FileRefused("Tệp Office bị hỏng.") from exc
            _no_markup(part, "Office")
            try:
                root = SafeET.fromstring(part)
            except Exception as exc:
                raise FileRefused("Một thành phần của tệp Office không phải XML hợp lệ.") from exc
            if member.filename == main and root.tag != root_tag:
                raise FileRefused("Nội dung chính của tệp Office không đúng định dạng.")


def file_check(upload: IO[bytes] | Any, mime: str) -> None:
    """Parse the whole file as the type its first bytes claim; FileRefused otherwise."""
    data = _read_all(upload)
    if mime == "application/pdf":
        _check_pdf(data)
    elif mime == "image/jpeg":
        _check_image(data, "JPEG")
    elif mime == "image/png":
        _check_image(data, "PNG")
    elif mime.endswith("wordprocessingml.document"):
        _check_ooxml(data, "docx")
    elif mime.endswith("spreadsheetml.sheet"):
        _check_ooxml(data, "xlsx")
    else:
        raise FileRefused("Loại tệp không được phép.")
