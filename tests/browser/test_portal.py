"""The portal in headless Chromium: search, open a procedure, keyboard, phone width."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec

pytestmark = pytest.mark.browser


def test_search_without_accents_finds_and_opens_birth_registration(
    site: str, browser: Any, wait: Callable[[Any], Any], screenshot: Callable[[Any, str], Any]
) -> None:
    browser.get(site + "/")
    box = wait(browser).until(ec.element_to_be_clickable((By.ID, "search-q")))
    screenshot(browser, "home")

    box.send_keys("dang ky khai sinh")
    box.send_keys(Keys.ENTER)
    link = wait(browser).until(ec.element_to_be_clickable((By.LINK_TEXT, "Đăng ký khai sinh")))
    first = browser.find_elements(By.CSS_SELECTOR, ".procedure-list li h2 a")[:3]
    assert "Đăng ký khai sinh" in [a.text for a in first]

    link.click()
    wait(browser).until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Đăng ký khai sinh"))
    documents = browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=docs-heading]")
    assert "Tờ khai đăng ký khai sinh" in documents.text
    assert "/thu-tuc/1.001193/" in browser.current_url
    screenshot(browser, "procedure")


def test_skip_link_is_the_first_tab_stop(
    site: str, browser: Any, wait: Callable[[Any], Any]
) -> None:
    browser.get(site + "/")
    body = wait(browser).until(ec.presence_of_element_located((By.TAG_NAME, "body")))

    body.send_keys(Keys.TAB)
    focused = browser.switch_to.active_element

    assert focused.get_attribute("class") == "skip-link"
    assert focused.get_attribute("href").endswith("#main")
    assert focused.is_displayed()  # visible when focused
    focused.send_keys(Keys.ENTER)
    wait(browser).until(lambda d: d.switch_to.active_element.get_attribute("id") == "main")


def test_search_label_focuses_the_box(site: str, browser: Any, wait: Callable[[Any], Any]) -> None:
    browser.get(site + "/")
    wait(browser).until(
        ec.element_to_be_clickable((By.CSS_SELECTOR, "label[for=search-q]"))
    ).click()

    assert browser.switch_to.active_element.get_attribute("id") == "search-q"


def test_home_fits_a_phone_screen(
    site: str,
    phone_browser: Any,
    wait: Callable[[Any], Any],
    screenshot: Callable[[Any, str], Any],
) -> None:
    phone_browser.get(site + "/")
    wait(phone_browser).until(ec.visibility_of_element_located((By.ID, "search-q")))

    assert phone_browser.execute_script("return window.innerWidth") == 390
    overflow = phone_browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    screenshot(phone_browser, "home-phone")


def test_procedure_list_page_two_in_the_browser(
    site: str, browser: Any, wait: Callable[[Any], Any]
) -> None:
    browser.get(site + "/thu-tuc/")
    items = wait(browser).until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, ".procedure-list li"))
    )
    # The site holds the demo catalogue (75 procedures, 20 a page): a missing "next" link is
    # a broken pagination, not a reason to skip.
    assert browser.find_elements(By.CSS_SELECTOR, "a[rel=next]")
    first_page = [i.text for i in items]

    browser.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    wait(browser).until(ec.url_contains("page=2"))

    second_page = [i.text for i in browser.find_elements(By.CSS_SELECTOR, ".procedure-list li")]
    assert second_page
    assert not set(first_page) & set(second_page)
