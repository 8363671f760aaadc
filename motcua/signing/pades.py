"""PAdES signatures on MotCua's PDFs (ETSI EN 319 142; the profile Decree 130/2018/NĐ-CP
and Circular 22/2020/TT-BTTTT point to for signed electronic documents).

The level depends on what is configured: PAdES-B-B with the unit's signature alone;
PAdES-B-T with a time-stamping authority (``MOTCUA_SIGNING_TSA_URL``); PAdES-B-LT when, in
addition, the OCSP responses and CRLs of the chain are fetched and embedded
(``MOTCUA_SIGNING_LTV``), so the file still verifies after the certificate expires.

The stamp is visible at the foot of the last page: the unit, the person who signed for it
with their title, the time in local 24-hour format and a QR code to the public verification
page of this very file."""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import QRStampStyle

from motcua.forms.fonts import font_dir
from motcua.signing.trust import validation_context

# The font subsetter warns about a table of IBM Plex it drops (harmless) on every stamp.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
FIELD_NAME = "MotCua"
STAMP_TEXT = (
    "Ký bởi: %(unit)s\nNgười ký: %(person)s\nThời gian ký: %(when)s\nQuét mã QR để xác thực"
)


@dataclass(frozen=True)
class Stamp:
    unit: str
    person: str
    url: str
    when: dt.datetime


def stamp_time(value: dt.datetime) -> str:
    """``14:05:09 01/12/2026`` in Asia/Ho_Chi_Minh."""
    return f"{timezone.localtime(value):%H:%M:%S %d/%m/%Y}"


@cache
def _font() -> GlyphAccumulatorFactory:
    return GlyphAccumulatorFactory(str(font_dir() / "IBMPlexSerif-Regular.ttf"))


def _style() -> QRStampStyle:
    return QRStampStyle(
        stamp_text=STAMP_TEXT,
        text_box_style=TextBoxStyle(font=_font(), font_size=7, leading=9),
        border_width=1,
        background=None,
        innsep=3,
        qr_inner_size=None,
    )


def level() -> str:
    if not settings.MOTCUA_SIGNING_TSA_URL:
        return "PAdES-B-B"
    return "PAdES-B-LT" if settings.MOTCUA_SIGNING_LTV else "PAdES-B-T"


def _place(pdf: bytes) -> tuple[int, tuple[int, int, int, int]]:
    """The last page (where the signature blocks end a document), lower right, just above
    the page-number line of the forms."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    last = int(reader.root["/Pages"]["/Count"]) - 1
    page, _ = reader.find_page_for_modification(last)
    _, y0, x1, _ = (float(v) for v in page.get_object()["/MediaBox"])
    width, height = 250, 54
    right, bottom = int(x1) - 42, int(y0) + 33
    return last, (right - width, bottom, right, bottom + height)


def _link(writer: IncrementalPdfFileWriter, page_no: int, box: tuple[float, ...], url: str) -> None:
    """A link over the stamp to the verification page, for whoever reads the file on a
    screen (the QR code is for paper); in the signed revision, so the signature covers it."""
    link = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Annot"),
            generic.NameObject("/Subtype"): generic.NameObject("/Link"),
            generic.NameObject("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            generic.NameObject("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            generic.NameObject("/A"): generic.DictionaryObject(
                {
                    generic.NameObject("/S"): generic.NameObject("/URI"),
                    generic.NameObject("/URI"): generic.TextStringObject(url),
                }
            ),
        }
    )
    ref = writer.add_object(link)
    page_ref, _ = writer.find_page_for_modification(page_no)
    page = page_ref.get_object()
    annots = page.get("/Annots")
    if isinstance(annots, generic.IndirectObject):
        annots = annots.get_object()
    if annots is None:
        page[generic.NameObject("/Annots")] = generic.ArrayObject([ref])
    else:
        annots.append(ref)
    writer.update_container(page)


def pdf_sign(pdf: bytes, *, signer: signers.Signer, stamp: Stamp) -> bytes:
    """The PDF with one PAdES signature of ``signer`` and the visible stamp."""
    tsa = settings.MOTCUA_SIGNING_TSA_URL
    page_no, box = _place(pdf)
    ltv = bool(settings.MOTCUA_SIGNING_LTV)
    meta = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason="Ký số kết quả giải quyết thủ tục hành chính",
        location=stamp.unit,
        embed_validation_info=ltv,
        validation_context=validation_context(fetching=True) if ltv else None,
    )
    timestamper = (
        timestamps.HTTPTimeStamper(tsa, timeout=settings.MOTCUA_SIGNING_TIMEOUT) if tsa else None
    )
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        timestamper=timestamper,
        stamp_style=_style(),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=page_no, box=box),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _link(writer, page_no, box, stamp.url)
    out = pdf_signer.sign_pdf(
        writer,
        appearance_text_params={
            "unit": stamp.unit,
            "person": stamp.person,
            "when": stamp_time(stamp.when),
            "url": stamp.url,
        },
    )
    return bytes(out.getvalue())
