"""Workspace tests: the small province of the dossiers tests and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD, Province, local, province

__all__ = ["APPLICANT", "PASSWORD", "Province", "local", "province"]


@pytest.fixture
def signed_in(province: Province) -> Callable[[str], Client]:
    """``signed_in("desk")``: a client signed in as that officer of the province."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(province.users[name])
        return client

    return make
