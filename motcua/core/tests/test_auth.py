"""Bearer tokens: ``POST /api/v1/auth/token``, ``Authorization: Bearer``, revocation, limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from motcua.core.models import ApiToken
from motcua.units.services import user_create_or_update

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-an-toan-9"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()  # rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def officer(db: None) -> Any:
    return user_create_or_update(username="canbo", password=PASSWORD)


def _token(api_client: Any, username: str = "canbo", password: str = PASSWORD) -> Any:
    return api_client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, format="json"
    )


def test_good_credentials_give_a_token(officer: Any, api_client: Any) -> None:
    response = _token(api_client)

    assert response.status_code == 201
    token = response.json()["token"]
    assert len(token) >= 32
    # Only the hash is stored.
    assert not ApiToken.objects.filter(key_hash=token).exists()
    assert ApiToken.objects.filter(user=officer).count() == 1


def test_bearer_token_authenticates(officer: Any, api_client: Any) -> None:
    token = _token(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.get("/api/v1/units")

    assert response.status_code == 200
    assert response.wsgi_request.user == officer


def test_delete_revokes_the_token(officer: Any, api_client: Any) -> None:
    token = _token(api_client).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    assert api_client.delete("/api/v1/auth/token").status_code == 204
    response = api_client.delete("/api/v1/auth/token")

    assert response.status_code == 401
    assert "detail" in response.json()
    assert api_client.get("/api/v1/units").status_code == 401


def test_delete_without_a_token_is_401(api_client: Any) -> None:
    response = api_client.delete("/api/v1/auth/token")

    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "header", ["Bearer not-a-token", "Bearer", "Bearer a b", "bearer \u00e9\u00e9"]
)
def test_bad_bearer_header_is_401_json(officer: Any, api_client: Any, header: str) -> None:
    api_client.credentials(HTTP_AUTHORIZATION=header)

    response = api_client.get("/api/v1/units")

    assert response.status_code == 401
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("username", "password"), [("canbo", "sai-mat-khau"), ("khongco", PASSWORD)]
)
def test_bad_credentials_are_401_json(
    officer: Any, api_client: Any, username: str, password: str
) -> None:
    response = _token(api_client, username, password)

    assert response.status_code == 401
    assert "detail" in response.json()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "body", [{}, {"username": "canbo"}, {"username": "a\x00b", "password": "x"}, []]
)
def test_malformed_token_request_is_400_json(officer: Any, api_client: Any, body: Any) -> None:
    response = api_client.post("/api/v1/auth/token", body, format="json")

    assert response.status_code == 400
    assert "detail" in response.json()


def test_inactive_user_gets_no_token(officer: Any, api_client: Any) -> None:
    officer.is_active = False
    officer.save()

    assert _token(api_client).status_code == 401


def test_login_is_throttled_after_the_limit(officer: Any, api_client: Any, settings: Any) -> None:
    # The rate is read from the settings at each request.
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "3/min",
        },
    }

    statuses = [_token(api_client, password="sai").status_code for _ in range(3)]
    blocked = _token(api_client)

    assert statuses == [401, 401, 401]
    assert blocked.status_code == 429
    assert "detail" in blocked.json()
    assert "Retry-After" in blocked
