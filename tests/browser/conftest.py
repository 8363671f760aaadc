"""Browser-test infrastructure: headless Chromium through Selenium against a live server.

Fixtures for every later issue:
- ``site``: the live server's base URL, with the demo catalogue loaded (or the small
  fixture catalogue while the demo one does not exist);
- ``browser``: a desktop Chromium (1280×900), quit at teardown;
- ``phone_browser``: the same at a phone's width (390 px);
- ``screenshot(driver, NAME)``: saves ``docs/screenshots/NAME.png`` atomically;
- ``wait(driver)``: a ``WebDriverWait`` with the suite's timeout (never ``sleep``).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DEMO_CATALOG, FIXTURE_CATALOG, ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = ROOT / "docs" / "screenshots"
WAIT_SECONDS = 20


def _driver(user_data_dir: Path, width: int, height: int) -> webdriver.Chrome:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(
            f"browser tests need {' and '.join(missing)} (apt-get install chromium "
            "chromium-driver); deselect them with -m 'not browser'",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--window-size={width},{height}",
        f"--user-data-dir={user_data_dir}",
        "--lang=vi",
        "--accept-lang=vi,en",
    ):
        options.add_argument(arg)
    # Vietnamese first, as a citizen's browser would ask (headless Chromium asks for en-US).
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi,en"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    if width < 500:
        # A window cannot be narrower than 500 px; emulate the phone's viewport instead.
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 2, "mobile": True},
        )
    return driver


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    driver = _driver(tmp_path / "chromium-profile", 1280, 900)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def phone_browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    driver = _driver(tmp_path / "chromium-phone-profile", 390, 844)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def wait() -> Callable[[webdriver.Chrome], WebDriverWait[webdriver.Chrome]]:
    return lambda driver: WebDriverWait(driver, WAIT_SECONDS)


def save_screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """Write ``docs/screenshots/NAME.png``; parallel workers never see a half-written file."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    fd, tmp = tempfile.mkstemp(dir=SCREENSHOTS, prefix=f".{name}-", suffix=".png")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(driver.get_screenshot_as_png())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a file of the repository
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


@pytest.fixture
def screenshot() -> Callable[[webdriver.Chrome, str], Path]:
    return save_screenshot


@pytest.fixture
def site(transactional_db: None, live_server: Any) -> str:
    """The live server's URL with a catalogue loaded (live_server needs real commits)."""
    from motcua.procedures.catalog import catalog_import

    source = DEMO_CATALOG if DEMO_CATALOG.exists() else FIXTURE_CATALOG
    catalog_import(json.loads(source.read_text(encoding="utf-8")))
    return str(live_server.url)
