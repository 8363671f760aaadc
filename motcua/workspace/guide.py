"""The user guide (docs/guide/*.md, Vietnamese), rendered inside the workspace, with the
screenshots the browser tests take (docs/screenshots/workspace-*.png)."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from motcua.workspace.auth import staff_required

GUIDES = {
    "mot-cua": ("desk", "Cán bộ một cửa"),
    "chuyen-vien": ("specialist", "Chuyên viên xử lý"),
    "lanh-dao": ("leader", "Lãnh đạo"),
    "quan-tri-don-vi": ("unit_admin", "Quản trị đơn vị"),
}
ROLE_GUIDE = {role: slug for slug, (role, _label) in GUIDES.items()}


def docs_dir() -> Path:
    return Path(getattr(settings, "MOTCUA_DOCS_DIR", settings.BASE_DIR.parent / "docs"))


@staff_required
@require_GET
def guide_index(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/guide_index.html", {"guides": GUIDES})


@staff_required
@require_GET
def guide_page(request: HttpRequest, slug: str) -> HttpResponse:
    if slug not in GUIDES:
        raise Http404
    role, label = GUIDES[slug]
    path = docs_dir() / "guide" / f"{role}.md"
    if not path.exists():
        raise Http404("Chưa có hướng dẫn.")
    text = path.read_text(encoding="utf-8")
    shots = reverse("workspace:guide_image", args=["x"]).rsplit("x", 1)[0]
    text = re.sub(r"\(\.\./screenshots/([\w\-]+\.png)\)", rf"({shots}\1)", text)
    html = markdown.markdown(text, extensions=["tables", "toc", "sane_lists"])
    return render(
        request,
        "workspace/guide_page.html",
        {"html": mark_safe(html), "label": label, "guides": GUIDES, "slug": slug},  # noqa: S308
    )


@staff_required
@require_GET
def guide_image(request: HttpRequest, name: str) -> FileResponse:
    if not re.fullmatch(r"workspace-[\w\-]+\.png", name):
        raise Http404
    path = docs_dir() / "screenshots" / name
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), content_type="image/png")
