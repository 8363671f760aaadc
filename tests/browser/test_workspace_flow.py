"""The staff workspace in headless Chromium, as each officer would use it: a counter
dossier from the desk through the specialist and the leader back to the desk, with a
supplement request and a step assigned by the unit administrator; forms 01, 02 and 06
downloaded; counter intake in three page loads. Screenshots go to docs/screenshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select

from motcua.workspace.tests.browser_support import (
    demo_officers,
    fetch,
    open_action,
    pdf_text,
    sign_in,
    sign_out,
    submit_action,
)

pytestmark = pytest.mark.browser


def test_counter_dossier_from_desk_to_specialist_to_leader_and_back(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    demo_officers()
    w = wait(browser)
    browser.get(site + "/can-bo/dang-nhap/")
    w.until(ec.element_to_be_clickable((By.ID, "id_username")))
    screenshot(browser, "workspace-login")
    sign_in(browser, site, "motcua.xa", w)
    screenshot(browser, "workspace-home-desk")

    # Counter intake: 1) the picker, 2) the form, 3) the receipt — with the keyboard.
    visited = []
    browser.get(site + "/can-bo/tiep-nhan/")
    box = w.until(ec.element_to_be_clickable((By.ID, "pick-q")))
    visited.append(browser.current_url)
    assert browser.switch_to.active_element == box  # autofocus
    box.send_keys("dang ky khai sinh")
    w.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#pick-list li.ws-active"))
    # The list is ranked by the portal's search engine: the exact name first.
    w.until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, "#pick-list li:not([hidden]) a").get_attribute(
                "data-code"
            )
            == "1.001193"
        )
    )
    screenshot(browser, "workspace-intake-pick")
    box.send_keys(Keys.ENTER)
    name = w.until(ec.element_to_be_clickable((By.ID, "a-name")))
    visited.append(browser.current_url)
    assert "/tiep-nhan/1.001193/" in browser.current_url
    assert browser.switch_to.active_element == name
    name.send_keys("Nguyễn Thị Mai")
    browser.find_element(By.ID, "a-id").send_keys("001203004567")
    browser.find_element(By.ID, "a-phone").send_keys("0901234567")
    browser.find_element(By.ID, "a-address").send_keys("Thôn Đông, xã Mẫu")
    for box_ in browser.find_elements(By.CSS_SELECTOR, "input[name=documents]")[:3]:
        box_.send_keys(Keys.SPACE)  # ticked with the keyboard as papers are handed over
    screenshot(browser, "workspace-intake-form")
    save = browser.find_element(By.ID, "intake-save")
    save.send_keys(Keys.ENTER)
    code = w.until(ec.presence_of_element_located((By.ID, "receipt-code"))).text
    visited.append(browser.current_url)
    assert len(visited) == 3 and "/giay-tiep-nhan/" in visited[-1]
    screenshot(browser, "workspace-receipt")
    status, body, kind = fetch(browser, site + f"/can-bo/ho-so/{code}/bieu-mau/01/")
    assert status == 200 and kind == "application/pdf"
    text = pdf_text(body)
    assert code in text and "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text

    # The desk asks for a supplement (form 02), records it, then forwards.
    browser.find_element(By.ID, "receipt-dossier").click()
    form = open_action(browser, "request-supplement", w)
    form.find_element(By.NAME, "items").send_keys("Bản chính giấy chứng sinh")
    screenshot(browser, "workspace-action-supplement")
    submit_action(browser, "request-supplement", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Yêu cầu bổ sung"))
    status, body, _kind = fetch(browser, site + f"/can-bo/ho-so/{code}/bieu-mau/02/")
    assert status == 200
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in pdf_text(body)
    assert "Bản chính giấy chứng sinh" in pdf_text(body)
    open_action(browser, "supplement", w)
    submit_action(browser, "supplement", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Được tiếp nhận"))
    open_action(browser, "forward", w)
    submit_action(browser, "forward", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Đang xử lý"))
    sign_out(browser, w)

    # The unit administrator assigns the step to the specialist.
    sign_in(browser, site, "quantri.xa", w)
    browser.get(site + "/can-bo/phan-cong/")
    w.until(ec.presence_of_element_located((By.ID, "workload")))
    screenshot(browser, "workspace-workload")
    browser.get(site + f"/can-bo/ho-so/{code}/")
    form = open_action(browser, "assign", w)
    Select(form.find_element(By.NAME, "assignee")).select_by_value("chuyenvien.xa")
    submit_action(browser, "assign", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "h-facts"), "Thông tin"))
    facts = browser.find_element(By.CSS_SELECTOR, ".facts").text
    assert "Lê Văn Hùng" in facts and "chuyenvien.xa" not in facts  # by name, not username
    sign_out(browser, w)

    # The specialist finds it among their steps and forwards it to the leader.
    sign_in(browser, site, "chuyenvien.xa", w)
    browser.find_element(By.ID, "card-mine").click()
    w.until(ec.url_contains("list=mine"))
    w.until(ec.element_to_be_clickable((By.LINK_TEXT, code))).click()
    w.until(ec.presence_of_element_located((By.ID, "action-forward")))
    screenshot(browser, "workspace-dossier-specialist")
    open_action(browser, "forward", w)
    submit_action(browser, "forward", w)
    w.until(ec.presence_of_element_located((By.ID, "dossier-status")))
    sign_out(browser, w)

    # The leader resolves at the last step.
    sign_in(browser, site, "lanhdao.xa", w)
    browser.get(site + f"/can-bo/ho-so/{code}/")
    open_action(browser, "resolve", w)
    screenshot(browser, "workspace-dossier-leader")
    submit_action(browser, "resolve", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Đã xử lý xong"))
    sign_out(browser, w)

    # The desk returns the result; the control slip (06) tells the whole story.
    sign_in(browser, site, "motcua.xa", w)
    browser.find_element(By.ID, "card-ready").click()
    w.until(ec.url_contains("list=ready"))
    w.until(ec.element_to_be_clickable((By.LINK_TEXT, code))).click()
    form = open_action(browser, "return", w)
    Select(form.find_element(By.NAME, "method")).select_by_value("counter")
    submit_action(browser, "return", w)
    w.until(ec.text_to_be_present_in_element((By.ID, "dossier-status"), "Đã trả kết quả"))
    screenshot(browser, "workspace-dossier-returned")
    status, body, _kind = fetch(browser, site + f"/can-bo/ho-so/{code}/bieu-mau/06/?tai=1")
    assert status == 200
    text = pdf_text(body)
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in text and code in text
    assert "Giao:" in text and "Nhận:" in text


def test_keyboard_user_reaches_the_search_with_the_slash_key(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    demo_officers()
    w = wait(browser)
    sign_in(browser, site, "chuyenvien.xa", w)
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    w.until(lambda d: d.switch_to.active_element.get_attribute("id") == "ws-search")
    screenshot(browser, "workspace-home-specialist")
