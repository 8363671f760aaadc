"""Staff sign-in: password, lockout, TOTP second factor, idle timeout, sign-out."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client, override_settings

from motcua.core import ratelimit
from motcua.core.models import AuditEvent
from motcua.workspace.models import StaffTotp

from .conftest import PASSWORD, Province

LOGIN = "/can-bo/dang-nhap/"


def _login(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_vietnamese_and_focuses_the_username(client: Client, db: None) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng nhập cán bộ" in html
    assert 'name="username"' in html and "autofocus" in html


def test_officer_signs_in_and_lands_on_the_home_page(client: Client, province: Province) -> None:
    response = _login(client, "desk")
    assert response.status_code == 302
    assert response["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200
    assert AuditEvent.objects.filter(action="login.ok", target="user:desk").exists()


def test_next_is_followed_only_inside_the_site(client: Client, province: Province) -> None:
    response = client.post(
        LOGIN, {"username": "desk", "password": PASSWORD, "next": "https://evil.example/x"}
    )
    assert response["Location"] == "/can-bo/"
    client.logout()
    response = client.post(
        LOGIN, {"username": "desk", "password": PASSWORD, "next": "/can-bo/ho-so/"}
    )
    assert response["Location"] == "/can-bo/ho-so/"


def test_wrong_password_is_refused_and_audited(client: Client, province: Province) -> None:
    response = _login(client, "desk", "sai-mat-khau")
    assert response.status_code == 400
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failed", target="user:desk").count() == 1


def test_a_citizen_may_not_enter_the_workspace(client: Client, province: Province) -> None:
    response = _login(client, "citizen")
    assert response.status_code == 403
    assert "không có vai trò cán bộ" in response.content.decode()
    other = Client()
    other.force_login(province.users["citizen"])
    assert other.get("/can-bo/").status_code == 403


def test_five_failures_lock_the_username_even_with_the_right_password(
    client: Client, province: Province
) -> None:
    for _ in range(5):
        _login(client, "desk", "sai")
    response = _login(client, "desk")
    assert response.status_code == 429
    assert "tạm bị khóa" in response.content.decode()
    assert AuditEvent.objects.filter(action="login.locked").exists()
    # Another officer on another machine is not locked.
    assert _login(Client(REMOTE_ADDR="10.0.0.9"), "specialist").status_code == 302


def test_many_failures_from_one_address_lock_that_address(
    client: Client, province: Province
) -> None:
    for i in range(20):
        _login(client, f"khong-co-{i}", "sai")
    assert _login(client, "specialist").status_code == 429
    assert _login(Client(REMOTE_ADDR="10.0.0.7"), "specialist").status_code == 302


@override_settings(MOTCUA_LOGIN_LOCK_SECONDS=60)
def test_the_lock_expires(client: Client, province: Province, monkeypatch) -> None:
    for _ in range(5):
        _login(client, "desk", "sai")
    assert _login(client, "desk").status_code == 429
    # The counters judge expiry by their clock: move that clock past the lock.
    later = time.time() + 61
    monkeypatch.setattr(ratelimit, "_now", lambda: later)
    assert _login(client, "desk").status_code == 302


def _enrol(client: Client, user) -> StaffTotp:
    client.force_login(user)
    page = client.get("/can-bo/xac-thuc-hai-lop/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = StaffTotp.objects.get(user=user)
    response = client.post("/can-bo/xac-thuc-hai-lop/", {"code": pyotp.TOTP(device.secret).now()})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.active
    client.logout()
    return device


def test_totp_enrolment_then_sign_in_needs_the_code(province: Province) -> None:
    client = Client()
    device = _enrol(client, province.users["leader"])
    response = _login(client, "leader")
    assert response["Location"] == "/can-bo/dang-nhap/xac-thuc/"
    # Not signed in before the code.
    assert client.get("/can-bo/")["Location"].startswith(LOGIN)
    bad = client.post("/can-bo/dang-nhap/xac-thuc/", {"code": "000000"})
    assert bad.status_code == 400
    assert "Mã xác thực không đúng" in bad.content.decode()
    totp = pyotp.TOTP(device.secret)
    code = totp.at(time.time() + totp.interval)  # the next step: never used yet
    ok = client.post("/can-bo/dang-nhap/xac-thuc/", {"code": code})
    assert ok.status_code == 302 and ok["Location"] == "/can-bo/"
    assert client.get("/can-bo/").status_code == 200
    # The same code cannot be replayed.
    device.refresh_from_db()
    assert device.last_used_step is not None


@override_settings(MOTCUA_REQUIRE_TOTP=True)
def test_leaders_must_enrol_when_the_setting_requires_it(province: Province) -> None:
    leader = Client()
    leader.force_login(province.users["leader"])
    response = leader.get("/can-bo/")
    assert response.status_code == 302 and response["Location"] == "/can-bo/xac-thuc-hai-lop/"
    desk = Client()
    desk.force_login(province.users["desk"])
    assert desk.get("/can-bo/").status_code == 200  # the desk is not required to


@override_settings(MOTCUA_IDLE_TIMEOUT_SECONDS=60)
def test_idle_session_times_out(client: Client, province: Province) -> None:
    client.force_login(province.users["desk"])
    assert client.get("/can-bo/").status_code == 200
    session = client.session
    session["ws_last_seen"] = session["ws_last_seen"] - 61
    session.save()
    response = client.get("/can-bo/ho-so/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    page = client.get(response["Location"])
    assert "Phiên làm việc đã hết hạn" in page.content.decode()


def test_logout_ends_the_session(client: Client, province: Province) -> None:
    client.force_login(province.users["desk"])
    assert client.get("/can-bo/").status_code == 200
    assert client.get("/can-bo/dang-xuat/").status_code == 405
    response = client.post("/can-bo/dang-xuat/")
    assert response.status_code == 302
    assert client.get("/can-bo/").status_code == 302


@pytest.mark.parametrize("url", ["/can-bo/", "/can-bo/ho-so/", "/can-bo/tiep-nhan/"])
def test_pages_need_a_signed_in_officer(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_workspace_speaks_english_second(client: Client, db: None) -> None:
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Staff sign-in" in html and "Username" in html
