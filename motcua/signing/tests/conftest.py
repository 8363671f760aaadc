"""Signing tests: the small province of the dossiers tests and a throw-away test PKI whose
OCSP responder and time-stamping authority run on loopback for the session."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD, Province, local, province
from motcua.signing.tests.pki import TestPKI, test_pki

__all__ = ["APPLICANT", "PASSWORD", "Province", "local", "province"]


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestPKI]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with test_pki(tmp_path_factory.mktemp("pki")) as built:
        yield built


@pytest.fixture
def signing(settings: Any, pki: TestPKI, tmp_path: Path) -> TestPKI:
    """PAdES-B-LT: the test TSA and the test OCSP responder; an empty trust dir."""
    settings.MOTCUA_SIGNING_DEVICE = "pkcs12"
    settings.MOTCUA_SIGNING_TSA_URL = pki.tsa_url
    settings.MOTCUA_SIGNING_LTV = True
    settings.MOTCUA_SIGNING_TRUST_DIR = str(tmp_path / "trust")
    settings.SITE_URL = "http://127.0.0.1:8000"
    return pki
