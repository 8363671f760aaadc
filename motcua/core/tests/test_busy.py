"""A database that stays locked past its busy timeout (SQLite under many writers) answers
503 with Retry-After, never 500 (issue 11, finding 11)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.test import APIClient

from motcua.units.services import user_create_or_update

pytestmark = pytest.mark.django_db


def test_a_locked_database_is_503_with_retry_after_on_the_api() -> None:
    user_create_or_update(username="canbo", password="mat-khau-an-toan-9")
    with mock.patch(
        "motcua.core.api.api_token_create", side_effect=OperationalError("database is locked")
    ):
        response = APIClient().post(
            "/api/v1/auth/token",
            {"username": "canbo", "password": "mat-khau-an-toan-9"},
            format="json",
        )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "detail" in response.json()


def test_a_locked_database_is_503_on_a_page() -> None:
    with mock.patch(
        "motcua.portal.lookup_views.lookup_find",
        side_effect=OperationalError("database is locked"),
    ):
        response = Client().get("/tra-cuu/", {"code": "000.01.01.T01-260302-0001"})
    assert response.status_code == 503
    assert "Retry-After" in response


def test_other_database_errors_are_not_disguised() -> None:
    with (
        mock.patch(
            "motcua.portal.lookup_views.lookup_find",
            side_effect=OperationalError("no such table: x"),
        ),
        pytest.raises(OperationalError),
    ):
        Client(raise_request_exception=True).get("/tra-cuu/", {"code": "X-1"})
