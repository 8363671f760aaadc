"""One sign-in policy for every door (issue 11, findings 2, 3 and 10; CONTRACT.md §2): the
API token endpoint, the workspace, the admin and the citizens' portal share the lockout per
account and address (progressive), the second factor and its enrolment; tokens expire and
a password change revokes them."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.core import ratelimit
from motcua.core.models import ApiToken, AuditEvent
from motcua.core.signin import signin_locked
from motcua.dossiers.tests.conftest import PASSWORD, Province, province
from motcua.units.services import user_create_or_update
from motcua.workspace.models import StaffTotp

__all__ = ["province"]

TOKEN = "/api/v1/auth/token"
LOGIN = "/can-bo/dang-nhap/"


def _token(client: APIClient, username: str, password: str = PASSWORD, **body: str) -> Any:
    return client.post(TOKEN, {"username": username, "password": password, **body}, format="json")


def _device(user: Any) -> StaffTotp:
    return StaffTotp.objects.create(
        user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
    )


def _next_code(device: StaffTotp) -> str:
    totp = pyotp.TOTP(device.secret)
    return totp.at(time.time() + totp.interval)


def test_token_endpoint_obeys_the_lockout_whatever_x_forwarded_for_says(
    province: Province,
) -> None:
    client = APIClient()
    for i in range(25):
        _token(client, "desk", "sai-mat-khau", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
    cache.clear()  # counters are not in the cache: clearing it changes nothing
    response = _token(client, "desk", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.status_code == 429
    assert "detail" in response.json() and "Retry-After" in response
    assert not ApiToken.objects.filter(user=province.users["desk"]).exists()


def test_token_has_an_expiry_and_expires(province: Province) -> None:
    client = APIClient()
    response = _token(client, "desk")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    token = ApiToken.objects.get(user=province.users["desk"])
    assert token.expires_at is not None
    hours = (token.expires_at - token.created_at).total_seconds() / 3600
    assert round(hours) == 8
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get("/api/v1/dossiers").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/dossiers").status_code == 401


@override_settings(MOTCUA_TOKEN_HOURS=1)
def test_token_lifetime_comes_from_the_setting(province: Province) -> None:
    assert _token(APIClient(), "desk").status_code == 201
    token = ApiToken.objects.get(user=province.users["desk"])
    assert token.expires_at is not None
    assert round((token.expires_at - token.created_at).total_seconds()) == 3600


def test_a_password_change_revokes_every_token(province: Province) -> None:
    client = APIClient()
    raw = _token(client, "desk").json()["token"]
    _token(APIClient(), "desk")
    user = province.users["desk"]
    user.set_password("mat-khau-moi-an-toan")
    user.save()
    assert ApiToken.objects.active().filter(user=user).count() == 0
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/v1/dossiers").status_code == 401
    # Other saves of the user keep the tokens.
    _token(APIClient(), "desk", "mat-khau-moi-an-toan")
    user.first_name = "An"
    user.save()
    assert ApiToken.objects.active().filter(user=user).count() == 1


@override_settings(MOTCUA_REQUIRE_TOTP=True)
def test_a_leader_with_a_device_needs_the_code_for_a_token(province: Province) -> None:
    device = _device(province.users["leader"])
    client = APIClient()
    alone = _token(client, "leader")
    assert alone.status_code == 401
    assert "otp" in alone.json()["detail"]
    assert _token(client, "leader", otp="000000").status_code == 401
    good = _token(client, "leader", otp=_next_code(device))
    assert good.status_code == 201
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {good.json()['token']}")
    assert client.get("/api/v1/stats").status_code == 200


@override_settings(MOTCUA_REQUIRE_TOTP=True)
def test_a_leader_who_has_not_enrolled_gets_no_token_and_no_statistics(
    province: Province,
) -> None:
    response = _token(APIClient(), "leader")
    assert response.status_code == 403
    assert "xác thực hai lớp" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=province.users["leader"]).exists()
    # A desk officer needs no second factor.
    assert _token(APIClient(), "desk").status_code == 201


@override_settings(MOTCUA_REQUIRE_TOTP=True)
def test_a_leader_who_has_not_enrolled_reaches_only_the_enrolment_page(
    province: Province,
) -> None:
    client = Client()
    assert client.post(LOGIN, {"username": "leader", "password": PASSWORD}).status_code == 302
    dashboard = client.get("/can-bo/thong-ke/")
    assert dashboard.status_code == 302
    assert dashboard["Location"] == "/can-bo/xac-thuc-hai-lop/"
    api = client.get("/api/v1/stats")
    assert api.status_code == 403
    assert client.get("/can-bo/xac-thuc-hai-lop/").status_code == 200
    # Once enrolled, the session is complete.
    device = StaffTotp.objects.get(user=province.users["leader"])
    assert client.post("/can-bo/xac-thuc-hai-lop/", {"code": _next_code(device)}).status_code == 302
    assert client.get("/can-bo/thong-ke/").status_code == 200


def test_a_user_with_a_device_cannot_use_the_citizens_door_to_skip_the_code(
    province: Province,
) -> None:
    _device(province.users["leader"])
    client = Client()
    response = client.post("/tai-khoan/dang-nhap/", {"username": "leader", "password": PASSWORD})
    assert response.status_code == 200
    assert "đăng nhập tại trang cán bộ" in response.content.decode()
    assert client.get("/can-bo/")["Location"].startswith(LOGIN)


def test_the_admin_has_no_door_of_its_own(province: Province) -> None:
    admin = user_create_or_update(username="quantri", password=PASSWORD, superuser=True)
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith(LOGIN)
    # A password posted to the admin's login URL signs nobody in.
    client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    # Through the workspace sign-in the admin opens.
    done = client.post(LOGIN, {"username": "quantri", "password": PASSWORD, "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="login.ok", actor=admin).exists()


def test_the_admin_sign_in_is_locked_after_repeated_failures(province: Province) -> None:
    user_create_or_update(username="quantri", password=PASSWORD, superuser=True)
    client = Client()
    for _ in range(25):
        client.post(LOGIN, {"username": "quantri", "password": "sai", "next": "/admin/"})
    response = client.post(LOGIN, {"username": "quantri", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302


@override_settings(MOTCUA_REQUIRE_TOTP=True)
def test_the_admin_needs_the_second_factor_when_required(province: Province) -> None:
    admin = user_create_or_update(username="quantri", password=PASSWORD, superuser=True)
    client = Client()
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/xac-thuc-hai-lop/"


def test_wrong_passwords_from_elsewhere_do_not_lock_the_officer_out(province: Province) -> None:
    attacker = Client(REMOTE_ADDR="192.0.2.66")
    for _ in range(10):
        attacker.post(LOGIN, {"username": "desk", "password": "sai"})
    assert attacker.post(LOGIN, {"username": "desk", "password": PASSWORD}).status_code == 429
    officer = Client(REMOTE_ADDR="10.1.2.3")
    assert officer.post(LOGIN, {"username": "desk", "password": PASSWORD}).status_code == 302
    # Nor through the API.
    assert _token(APIClient(REMOTE_ADDR="10.1.2.3"), "desk").status_code == 201


def test_the_lock_grows_with_each_failure_past_the_limit(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(5):
        client.post(LOGIN, {"username": "desk", "password": "sai"})
    first = signin_locked(username="desk", ip="192.0.2.7")
    assert 850 <= first <= 900
    later = time.time() + 901
    monkeypatch.setattr(ratelimit, "_now", lambda: later)
    assert signin_locked(username="desk", ip="192.0.2.7") == 0
    client.post(LOGIN, {"username": "desk", "password": "sai"})
    assert 1750 <= signin_locked(username="desk", ip="192.0.2.7") <= 1800
    # A success from the same place forgets the failures.
    even_later = later + 1801
    monkeypatch.setattr(ratelimit, "_now", lambda: even_later)
    assert client.post(LOGIN, {"username": "desk", "password": PASSWORD}).status_code == 302
    Client(REMOTE_ADDR="192.0.2.7").post(LOGIN, {"username": "desk", "password": "sai"})
    assert signin_locked(username="desk", ip="192.0.2.7") == 0


def test_citizens_accounts_are_locked_too(province: Province) -> None:
    user_create_or_update(username="dan", password=PASSWORD, roles=[("citizen", None)])
    client = Client()
    for _ in range(5):
        client.post("/tai-khoan/dang-nhap/", {"username": "dan", "password": "sai"})
    response = client.post("/tai-khoan/dang-nhap/", {"username": "dan", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert (
        other.post("/tai-khoan/dang-nhap/", {"username": "dan", "password": PASSWORD}).status_code
        == 302
    )
