"""The desk's inbox and papers in headless Chromium: an online dossier accepted from the
inbox; a refusal with form 03; a leader's extension with form 04; a commune officer who
opens a department's dossier by its URL gets 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec

from motcua.workspace.tests.browser_support import (
    demo_officers,
    fetch,
    open_action,
    pdf_text,
    sign_in,
    submit_action,
)

pytestmark = pytest.mark.browser

APPLICANT = {"kind": "citizen", "name": "Trần Văn Hùng", "phone": "0912345678"}


def _commune():
    from motcua.units.models import Unit

    return Unit.objects.get(code=_user_unit("motcua.xa"))


def _user_unit(username: str) -> str:
    from motcua.units.models import Membership

    return Membership.objects.filter(user__username=username).values_list("unit__code", flat=True)[
        0
    ]


def _online_dossier(code: str = "1.001193") -> Any:
    from django.contrib.auth import get_user_model

    from motcua.dossiers.services import dossier_intake
    from motcua.procedures.models import Procedure

    citizen = get_user_model().objects.get(username="congdan")
    dossier, _ = dossier_intake(
        actor=citizen,
        procedure=Procedure.objects.get(code=code),
        unit=_commune(),
        channel="online",
        applicant=APPLICANT,
    )
    return dossier


def test_online_dossier_is_accepted_from_the_inbox(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    demo_officers()
    dossier = _online_dossier()
    w = wait(browser)
    sign_in(browser, site, "motcua.xa", w)
    assert browser.find_element(By.CSS_SELECTOR, "[data-count=inbox]").text == "1"
    browser.find_element(By.ID, "card-inbox").click()
    wait(browser).until(ec.url_contains("list=inbox"))
    w.until(ec.element_to_be_clickable((By.LINK_TEXT, dossier.code)))
    screenshot(browser, "workspace-inbox")
    browser.find_element(By.LINK_TEXT, dossier.code).click()
    open_action(browser, "accept", w)
    submit_action(browser, "accept", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Được tiếp nhận"))
    assert browser.find_element(By.ID, "form-01").is_displayed()
    status, body, _kind = fetch(browser, site + f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/")
    assert status == 200 and dossier.code in pdf_text(body)


def test_refusal_needs_a_reason_and_gives_form_03(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    demo_officers()
    dossier = _online_dossier()
    w = wait(browser)
    sign_in(browser, site, "motcua.xa", w)
    browser.get(site + f"/can-bo/ho-so/{dossier.code}/")
    open_action(browser, "refuse", w)
    submit_action(browser, "refuse", w)
    error = w.until(ec.visibility_of_element_located((By.ID, "err-refuse-reason")))
    assert "Vui lòng nêu lý do từ chối." in error.text
    assert browser.find_element(By.ID, "refuse-reason").get_attribute("aria-invalid") == "true"
    screenshot(browser, "workspace-refuse-error")
    form = open_action(browser, "refuse", w)
    form.find_element(By.NAME, "reason").send_keys("Hồ sơ không thuộc thẩm quyền của xã")
    submit_action(browser, "refuse", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Không được tiếp nhận"))
    status, body, _kind = fetch(browser, site + f"/can-bo/ho-so/{dossier.code}/bieu-mau/03/")
    text = pdf_text(body)
    assert status == 200 and "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in text
    assert "Hồ sơ không thuộc thẩm quyền của xã" in text


def test_leader_extends_with_an_apology_form_04(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    from django.contrib.auth import get_user_model

    from motcua.dossiers.services import dossier_forward, dossier_intake
    from motcua.procedures.models import Procedure

    demo_officers()
    desk = get_user_model().objects.get(username="motcua.xa")
    dossier, _ = dossier_intake(
        actor=desk,
        procedure=Procedure.objects.get(code="1.004873"),
        unit=_commune(),
        channel="counter",
        applicant=APPLICANT,
        case_code="thong-thuong",
    )
    dossier = dossier_forward(dossier=dossier, actor=desk)
    w = wait(browser)
    sign_in(browser, site, "lanhdao.xa", w)
    browser.get(site + f"/can-bo/ho-so/{dossier.code}/")
    form = open_action(browser, "extend", w)
    new_day = (dossier.due_at + dt.timedelta(days=7)).date()
    date_input = form.find_element(By.NAME, "extended_date")
    browser.execute_script("arguments[0].value = arguments[1];", date_input, new_day.isoformat())
    form.find_element(By.NAME, "reason").send_keys("Cần lấy ý kiến cơ quan liên quan")
    screenshot(browser, "workspace-extend")
    submit_action(browser, "extend", w)
    w.until(ec.presence_of_element_located((By.ID, "form-04")))
    assert (
        "Gia hạn đến" in browser.find_element(By.ID, "h-deadline").find_element(By.XPATH, "..").text
    )
    status, body, _kind = fetch(browser, site + f"/can-bo/ho-so/{dossier.code}/bieu-mau/04/")
    text = pdf_text(body)
    assert status == 200 and "Văn bản xin lỗi và đề nghị gia hạn" in text
    assert "Cần lấy ý kiến cơ quan liên quan" in text and dossier.code in text


def test_commune_officer_gets_404_for_a_department_dossier(
    site: str, browser: Any, wait: Callable[[Any], Any]
) -> None:
    from motcua.dossiers.services import dossier_intake
    from motcua.procedures.models import Procedure
    from motcua.units.models import Unit

    demo_officers()
    department = Unit.objects.get(code=_user_unit("chuyenvien.sxd"))
    procedure = Procedure.objects.filter(units=department).first()
    cases = procedure.versions.order_by("-number").first().record.get("cases") or []
    dossier, _ = dossier_intake(
        actor=None,
        procedure=procedure,
        unit=department,
        channel="counter",
        applicant=APPLICANT,
        case_code=cases[0]["code"] if cases else "",
    )
    w = wait(browser)
    sign_in(browser, site, "motcua.xa", w)
    browser.get(site + f"/can-bo/ho-so/{dossier.code}/")
    w.until(ec.presence_of_element_located((By.TAG_NAME, "body")))
    assert dossier.applicant_name not in browser.page_source
    status, _body, _kind = fetch(browser, site + f"/can-bo/ho-so/{dossier.code}/")
    assert status == 404
    status, _body, _kind = fetch(browser, site + f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/")
    assert status == 404
