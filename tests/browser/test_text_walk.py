"""Every page of every role, at a desktop width (1366 px) and a phone's (390 px), read as
people read it: no program data, English, slugs, role codes, usernames or numbers without
Vietnamese separators in the visible text (``motcua.core.textcheck``), no page wider than
the screen, a header that stays small. Every PDF the pages link to is read the same way.
Screenshots of the main pages at both widths go to ``docs/screenshots/``."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from motcua.core.textcheck import text_problems

pytestmark = pytest.mark.browser

DESKTOP = (1366, 900)
PHONE_HEIGHT = 844
# Pages of each role (``{...}`` filled from the demo history). ``None``: anyone.
PUBLIC = [
    "/",
    "/thu-tuc/",
    "/thu-tuc/?q=đăng+kí+khai+sinh",
    "/thu-tuc/1.001193/",
    "/thu-tuc/1.013225/",
    "/tra-cuu/",
    "/tra-cuu/?code={returned}",
    "/cong-khai/",
    "/huong-dan/",
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/dang-ky/",
    "/can-bo/dang-nhap/",
]
STAFF = [
    "/can-bo/",
    "/can-bo/ho-so/",
    "/can-bo/ho-so/?list=all",
    "/can-bo/so-theo-doi/",
    "/can-bo/huong-dan/",
    "/can-bo/ho-so/{returned}/",
    "/can-bo/ho-so/{processing}/",
    "/can-bo/ho-so/{waiting}/",
]
ROLE_PAGES = {
    "motcua.xa": [*STAFF, "/can-bo/tiep-nhan/", "/can-bo/tiep-nhan/1.001193/"],
    "chuyenvien.xa": STAFF,
    "lanhdao.xa": [*STAFF, "/can-bo/phan-cong/", "/can-bo/thong-ke/"],
    "quantri.xa": ["/can-bo/", "/can-bo/phan-cong/", "/can-bo/so-theo-doi/"],
    "congdan": [
        "/ho-so-cua-toi/",
        "/ho-so-cua-toi/{mine}/",
        "/ho-so-cua-toi/{mine}/bien-nhan/",
        "/kho-du-lieu/",
    ],
}
SCREENSHOTS = {
    ("lanhdao.xa", "/can-bo/"): "walk-leader-home",
    ("lanhdao.xa", "/can-bo/thong-ke/"): "walk-leader-dashboard",
    ("chuyenvien.xa", "/can-bo/ho-so/{processing}/"): "walk-specialist-dossier",
    (None, "/cong-khai/"): "walk-public",
    (None, "/thu-tuc/?q=đăng+kí+khai+sinh"): "walk-search",
    ("congdan", "/ho-so-cua-toi/{mine}/"): "walk-citizen-dossier",
    ("congdan", "/kho-du-lieu/"): "walk-citizen-store",
}
# Words that are right on these pages although the checker does not know them.
ALLOW = ["Tỉnh Mẫu"]


def _province() -> dict[str, str]:
    """The demo accounts and catalogue, a short history, and one dossier of the citizen."""
    from django.contrib.auth import get_user_model

    from motcua.demo.history import demo_history_load
    from motcua.demo.loader import demo_load
    from motcua.dossiers.attachments import attachment_add
    from motcua.dossiers.models import Dossier, Status
    from motcua.dossiers.services import dossier_accept, dossier_intake
    from motcua.dossiers.tests.files import pdf_bytes
    from motcua.units.models import Unit

    demo_load(history=False)
    # A fixed day: the history is reproducible for a given "now", and which dossiers are still
    # waiting depends on it; from the real clock a run at some hours had none waiting.
    demo_history_load(now=timezone.make_aware(dt.datetime(2026, 11, 18, 10, 30)), count=80)
    commune = Unit.objects.get(memberships__user__username="motcua.xa")
    citizen = get_user_model().objects.get(username="congdan")
    mine, _created = dossier_intake(
        actor=citizen,
        procedure=commune.procedures.get(code="1.001193"),
        unit=commune,
        channel="online",
        applicant={"kind": "citizen", "name": "Nguyễn Văn An", "phone": "0901234567"},
        documents=[0, 1],
        as_citizen=True,
    )
    # A document of the citizen, shown in their data store (Kho dữ liệu của tôi).
    attachment_add(
        dossier=mine,
        actor=citizen,
        upload=io.BytesIO(pdf_bytes("Tờ khai")),
        name="to-khai-khai-sinh.pdf",
        document_index=0,
    )
    dossier_accept(dossier=mine, actor=get_user_model().objects.get(username="motcua.xa"))
    dossiers = Dossier.objects.filter(unit=commune)

    def code(*statuses: str) -> str:
        found = dossiers.filter(status__in=statuses).values_list("code", flat=True).first()
        assert found, f"the demo history has no dossier in {statuses}"
        return str(found)

    return {
        "returned": code(Status.RETURNED),
        "processing": code(Status.PROCESSING),
        "waiting": code(Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT, Status.RESOLVED),
        "mine": mine.code,
    }


def _sign_in(driver: Any, site: str, username: str | None) -> None:
    driver.delete_all_cookies()
    if username is None:
        return
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    driver.get(site + "/healthz")
    driver.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )


def _pdf_links(driver: Any) -> list[str]:
    links = driver.find_elements(By.CSS_SELECTOR, "a[href*='/bieu-mau/'], a[href$='.pdf']")
    return sorted({a.get_attribute("href").split("?")[0] for a in links})


def _pdf_text(driver: Any, url: str) -> str:
    from pypdf import PdfReader

    from motcua.workspace.tests.browser_support import fetch

    status, body, kind = fetch(driver, url)
    assert status == 200 and kind == "application/pdf", (url, status, kind)
    return " ".join(
        " ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(body)).pages
    )


def _walk(
    driver: Any,
    site: str,
    codes: dict[str, str],
    *,
    phone: bool,
    screenshot: Callable[[Any, str], Any],
    wait: Callable[[Any], Any],
) -> list[str]:
    from django.contrib.auth import get_user_model

    usernames = list(get_user_model().objects.values_list("username", flat=True))
    problems: list[str] = []
    pdfs_seen: set[str] = set()
    roles: list[tuple[str | None, list[str]]] = [(None, PUBLIC), *ROLE_PAGES.items()]
    width = "phone" if phone else "desktop"
    for username, pages in roles:
        _sign_in(driver, site, username)
        for template in pages:
            url = template.format(**codes)
            driver.get(site + url)
            wait(driver).until(ec.presence_of_element_located((By.TAG_NAME, "main")))
            where = f"{username or 'anyone'} {width} {url}"
            status = driver.execute_script("return document.title")
            if "403" in status or "404" in status or "500" in status:
                problems.append(f"{where}: page title {status!r}")
            text = driver.find_element(By.TAG_NAME, "body").text
            problems += [
                f"{where}: {p}" for p in text_problems(text, usernames=usernames, allow=ALLOW)
            ]
            page_width, view = driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            if page_width > view + 1:
                problems.append(f"{where}: the page is {page_width} px wide in {view} px")
            header = driver.execute_script(
                "var h = document.querySelector('.site-header'); return h ? h.offsetHeight : 0"
            )
            limit = PHONE_HEIGHT * 0.22 if phone else 110
            if header > limit:
                problems.append(f"{where}: the header is {header} px high (at most {limit:.0f})")
            name = SCREENSHOTS.get((username, template))
            if name:
                screenshot(driver, f"{name}-phone" if phone else name)
            if not phone:
                for pdf in _pdf_links(driver):
                    if pdf in pdfs_seen:
                        continue
                    pdfs_seen.add(pdf)
                    text = _pdf_text(driver, pdf)
                    problems += [
                        f"{where} PDF {pdf}: {p}"
                        for p in text_problems(text, usernames=usernames, allow=ALLOW)
                    ]
    if not phone:
        assert len(pdfs_seen) >= 3, pdfs_seen  # the forms of the dossiers were read too
    return problems


def test_every_page_of_every_role_reads_as_plain_vietnamese(
    site: str,
    browser: Any,
    phone_browser: Any,
    wait: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Any],
) -> None:
    codes = _province()
    browser.set_window_size(*DESKTOP)
    problems = _walk(browser, site, codes, phone=False, screenshot=screenshot, wait=wait)
    problems += _walk(phone_browser, site, codes, phone=True, screenshot=screenshot, wait=wait)
    assert not problems, "\n".join(problems)


def test_the_desk_picker_goes_to_the_best_match_even_on_a_quick_enter(
    site: str, browser: Any, wait: Callable[[Any], Any]
) -> None:
    from selenium.webdriver.common.keys import Keys

    from motcua.demo.loader import demo_load

    demo_load(history=False)
    _sign_in(browser, site, "motcua.xa")
    browser.get(site + "/can-bo/tiep-nhan/")
    box = wait(browser).until(ec.element_to_be_clickable((By.ID, "pick-q")))
    # Alphabetically "Cấp bản sao Trích lục …" comes first; the ranked list puts the exact
    # name first, and Enter pressed before it arrives waits for it.
    box.send_keys("đăng kí khai sinh" + Keys.ENTER)
    wait(browser).until(lambda d: "/tiep-nhan/1.001193/" in d.current_url)
