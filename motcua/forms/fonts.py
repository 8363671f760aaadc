"""The typeface of the official forms: IBM Plex Serif (SIL Open Font License 1.1), shipped by
the ``fontpkg-ibm-plex-serif`` package. Static TTF files with full Vietnamese coverage
(precomposed letters with horn, breve and tone marks, and ₫), so the PDFs never depend on
the fonts installed on the server."""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "MotCuaSerif"
_STYLES = {
    FAMILY: "IBMPlexSerif-Regular.ttf",
    f"{FAMILY}-Bold": "IBMPlexSerif-Bold.ttf",
    f"{FAMILY}-Italic": "IBMPlexSerif-Italic.ttf",
    f"{FAMILY}-BoldItalic": "IBMPlexSerif-BoldItalic.ttf",
}
_lock = threading.Lock()
_registered = False
# Building a PDF subsets the fonts into it through state reportlab keeps on the shared font
# objects; two threads of one server building at once could corrupt it (issue 17 saw one
# intake in 2,200 fail under gunicorn threads). Every PDF of MotCua is built holding this.
RENDER_LOCK = threading.RLock()


def font_dir() -> Path:
    import fontpkg_ibm_plex_serif

    return Path(fontpkg_ibm_plex_serif.ROOT) / "files"


def register_fonts() -> str:
    """Register the four styles once per process; returns the family name."""
    global _registered
    if _registered:
        return FAMILY
    with _lock:
        if not _registered:
            folder = font_dir()
            for name, filename in _STYLES.items():
                pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
            addMapping(FAMILY, 0, 0, FAMILY)
            addMapping(FAMILY, 1, 0, f"{FAMILY}-Bold")
            addMapping(FAMILY, 0, 1, f"{FAMILY}-Italic")
            addMapping(FAMILY, 1, 1, f"{FAMILY}-BoldItalic")
            _registered = True
    return FAMILY
