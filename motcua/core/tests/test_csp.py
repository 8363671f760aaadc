"""A strict Content-Security-Policy on every page (issue 11, finding 8): scripts, styles and
frames only from this site, no inline script anywhere; the other security headers stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import motcua

pytestmark = pytest.mark.django_db

# An inline event handler attribute (onclick=, onsubmit=, …), not a word like "online=".
HANDLER = re.compile(
    r"<[^>]*\son(click|change|submit|load|input|focus|blur|key\w+|mouse\w+|error)\s*=",
    re.IGNORECASE,
)
PAGES = ["/", "/tra-cuu/", "/can-bo/dang-nhap/", "/tai-khoan/dang-nhap/", "/api/v1/docs"]


def _policy(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", PAGES)
def test_every_page_carries_a_strict_policy(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    # The other headers are still there.
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # No inline script in what is served.
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)
    assert not HANDLER.search(html)


def test_redoc_may_inline_styles_but_never_scripts(client: Client) -> None:
    policy = _policy(client.get("/api/v1/redoc")["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in policy["style-src"]


def test_no_template_holds_inline_script_style_or_handlers() -> None:
    root = Path(motcua.__file__).parent
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if (
            re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text)
            or re.search(r"<style\b", text)
            or re.search(r"\sstyle\s*=", text)
            or HANDLER.search(text)
        ):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
