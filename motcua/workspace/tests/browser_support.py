"""Helpers of the workspace browser tests: demo officers, sign in and out, fetch a file with
the browser's session (headless Chromium does not hand downloads to the test)."""

from __future__ import annotations

import urllib.request
from typing import Any

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

PASSWORD = "motcua-demo"


def demo_officers() -> None:
    from motcua.demo.loader import demo_load

    demo_load(history=False)


def sign_in(driver: Any, site: str, username: str, wait: WebDriverWait[Any]) -> None:
    driver.get(site + "/can-bo/dang-nhap/")
    box = wait.until(ec.element_to_be_clickable((By.ID, "id_username")))
    box.clear()
    box.send_keys(username)
    driver.find_element(By.ID, "id_password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".ws-userbar")))


def sign_out(driver: Any, wait: WebDriverWait[Any]) -> None:
    driver.find_element(By.CSS_SELECTOR, ".ws-userbar form button.linklike").click()
    wait.until(ec.presence_of_element_located((By.ID, "id_username")))


def fetch(driver: Any, url: str) -> tuple[int, bytes, str]:
    """GET ``url`` with the browser's cookies: (status, body, content type)."""
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, headers={"Cookie": cookies})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(io.BytesIO(content)).pages
    )


def open_action(driver: Any, action: str, wait: WebDriverWait[Any]) -> Any:
    """Open an action's panel on the dossier page; returns its form."""
    panel = wait.until(ec.presence_of_element_located((By.ID, f"action-{action}")))
    if panel.get_attribute("open") is None:
        panel.find_element(By.TAG_NAME, "summary").click()
    return panel.find_element(By.TAG_NAME, "form")


def submit_action(driver: Any, action: str, wait: WebDriverWait[Any]) -> None:
    button = driver.find_element(By.ID, f"do-{action}")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    # Mark the current document, then wait for a fresh one: Chromium may answer a check on
    # an element of the page being replaced with an inspector error instead of "stale".
    driver.execute_script("document.documentElement.dataset.leaving = '1';")
    button.click()
    wait.until(_new_document_loaded)


def _new_document_loaded(driver: Any) -> bool:
    try:
        return bool(
            driver.execute_script(
                "return document.readyState === 'complete'"
                " && !document.documentElement.dataset.leaving;"
            )
        )
    except WebDriverException:
        return False
