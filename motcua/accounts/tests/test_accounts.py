"""Citizen accounts: register, verify the e-mail, sign in and out, reset the password,
profile — each with its bad inputs, and the rate limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from motcua.accounts.models import CitizenProfile
from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import PASSWORD, Place, make_citizen

pytestmark = pytest.mark.django_db

GOOD = {
    "full_name": "  Lê   Thị Cúc ",
    "phone": "090 123 4567",
    "email": "Cuc@Example.vn",
    "password1": "Mat-khau-2025!",
    "password2": "Mat-khau-2025!",
}


def _html(response: Any) -> str:
    return response.content.decode()


def _link(message: Any) -> str:
    match = re.search(r"http://[^\s]+", message.body)
    assert match, message.body
    return match.group(0).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_register_sends_a_verification_link_that_activates_the_account(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tai-khoan/dang-ky/", GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/xac-nhan/"
    user = get_user_model().objects.get(email="cuc@example.vn")
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.full_name, profile.phone, profile.is_verified) == (
        "Lê Thị Cúc",
        "0901234567",
        False,
    )
    assert user.memberships.filter(role="citizen").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["cuc@example.vn"]
    assert "Xác nhận" in mail.outbox[0].subject

    # Not verified yet: sign-in refused with a clear message.
    refused = client.post(
        "/tai-khoan/dang-nhap/", {"username": "cuc@example.vn", "password": GOOD["password1"]}
    )
    assert refused.status_code == 200
    assert "chưa được kích hoạt" in _html(refused)

    verified = client.get(_link(mail.outbox[0]))
    assert verified.status_code == 302
    assert verified["Location"] == "/tai-khoan/dang-nhap/"
    profile.refresh_from_db()
    assert profile.is_verified

    # Sign in with the phone number works too.
    signed_in = client.post(
        "/tai-khoan/dang-nhap/", {"username": "0901234567", "password": GOOD["password1"]}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/ho-so-cua-toi/"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Vui lòng nhập thông tin này."),
        ({"phone": "12345"}, "phone", "Số điện thoại không hợp lệ"),
        ({"email": "not-an-address"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
        ({"password2": "khac-hoan-toan"}, "password2", "Hai mật khẩu không khớp."),
        ({"password1": "123", "password2": "123"}, "password1", ""),
    ],
)
def test_register_bad_input_comes_back_beside_the_field_with_input_kept(
    client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    response = client.post("/tai-khoan/dang-ky/", {**GOOD, **changes})

    assert response.status_code == 200
    html = _html(response)
    assert f'id="id_{field}-error"' in html
    assert message in html
    assert re.search(
        rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', html
    )
    assert (
        f"id_{field}-error"
        in html.split(f'id="id_{field}"')[0].rsplit("<input", 1)[-1]
        + html.split(f'id="id_{field}"')[1].split(">")[0]
    )
    if field != "full_name":
        assert 'value="Lê Thị Cúc"' in html or 'value="  Lê   Thị Cúc "' in html
    assert not get_user_model().objects.filter(email__iexact="cuc@example.vn").exists()


def test_register_refuses_an_address_already_used(client: Client, place: Place) -> None:
    response = client.post("/tai-khoan/dang-ky/", {**GOOD, "email": "AN@example.vn"})

    assert response.status_code == 200
    assert "đã được đăng ký" in _html(response)


def test_bad_or_tampered_verification_link_is_refused(client: Client) -> None:
    response = client.get("/tai-khoan/xac-nhan/khong-phai-token/")

    assert response.status_code == 400
    assert "không hợp lệ" in _html(response)


def test_resend_verification_does_not_reveal_whether_an_address_exists(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/tai-khoan/dang-ky/", GOOD)
    mail.outbox.clear()

    known = client.post("/tai-khoan/xac-nhan/", {"email": "cuc@example.vn"}, follow=True)
    unknown = client.post("/tai-khoan/xac-nhan/", {"email": "ai@example.vn"}, follow=True)

    assert len(mail.outbox) == 1
    assert "Nếu địa chỉ này cần xác nhận" in _html(known)
    assert "Nếu địa chỉ này cần xác nhận" in _html(unknown)


def test_wrong_password_is_refused_in_vietnamese(client: Client, place: Place) -> None:
    response = client.post("/tai-khoan/dang-nhap/", {"username": "an@example.vn", "password": "x"})

    assert response.status_code == 200
    assert "Sai thông tin đăng nhập hoặc mật khẩu" in _html(response)


def test_login_is_rate_limited(client: Client, place: Place, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "lookup": "30/min"},
    }
    for _ in range(3):
        assert (
            client.post(
                "/tai-khoan/dang-nhap/", {"username": "an@example.vn", "password": "sai"}
            ).status_code
            == 200
        )

    response = client.post(
        "/tai-khoan/dang-nhap/", {"username": "an@example.vn", "password": PASSWORD}
    )

    assert response.status_code == 429
    assert "quá nhiều lần" in _html(response)
    assert "_auth_user_id" not in client.session


def test_staff_created_account_without_profile_signs_in(client: Client, place: Place) -> None:
    response = client.post("/tai-khoan/dang-nhap/", {"username": "desk", "password": PASSWORD})

    assert response.status_code == 302


def test_logout_is_a_post(client: Client, place: Place) -> None:
    client.force_login(place.citizen)

    response = client.post("/tai-khoan/dang-xuat/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_mails_a_link_that_sets_a_new_password(client: Client, place: Place) -> None:
    response = client.post("/tai-khoan/quen-mat-khau/", {"email": "an@example.vn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Đặt lại mật khẩu" in mail.outbox[0].subject

    form = client.get(_link(mail.outbox[0]), follow=True)
    assert form.status_code == 200
    url = form.redirect_chain[-1][0]
    mismatch = client.post(url, {"new_password1": "Moi-2025-abc!", "new_password2": "khac"})
    assert "Hai mật khẩu không khớp." in _html(mismatch)
    done = client.post(url, {"new_password1": "Moi-2025-abc!", "new_password2": "Moi-2025-abc!"})
    assert done.status_code == 302

    assert client.login(username="an@example.vn", password="Moi-2025-abc!")


def test_password_reset_bad_address_and_rate_limit(
    client: Client, place: Place, settings: Any
) -> None:
    bad = client.post("/tai-khoan/quen-mat-khau/", {"email": "khong-hop-le"})
    assert bad.status_code == 200
    assert "Địa chỉ thư điện tử không hợp lệ." in _html(bad)

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "2/min", "lookup": "30/min"},
    }
    client.post("/tai-khoan/quen-mat-khau/", {"email": "an@example.vn"})
    limited = client.post("/tai-khoan/quen-mat-khau/", {"email": "an@example.vn"})
    assert limited.status_code == 429


def test_profile_prefills_and_validates(place: Place) -> None:
    client = place.client_for(place.citizen)

    page = client.get("/tai-khoan/ho-so-ca-nhan/")
    assert 'value="001203004567"' in _html(page)

    bad = client.post(
        "/tai-khoan/ho-so-ca-nhan/",
        {
            "full_name": "Nguyễn Văn An",
            "id_number": "12AB",
            "phone": "abc",
            "email": "an@example.vn",
            "address": "Số 2",
        },
    )
    html = _html(bad)
    assert "Số CCCD gồm 12 chữ số" in html
    assert "Số điện thoại không hợp lệ" in html
    assert 'value="Số 2"' in html

    good = client.post(
        "/tai-khoan/ho-so-ca-nhan/",
        {
            "full_name": "Nguyễn Văn An",
            "id_number": "079203001234",
            "phone": "0988777666",
            "email": "an@example.vn",
            "address": "Số 2",
        },
    )
    assert good.status_code == 302
    profile = CitizenProfile.objects.get(user=place.citizen)
    assert (profile.id_number, profile.phone, profile.address) == (
        "079203001234",
        "0988777666",
        "Số 2",
    )


def test_profile_email_change_needs_a_new_confirmation(
    place: Place, django_capture_on_commit_callbacks: Any
) -> None:
    client = place.client_for(place.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/tai-khoan/ho-so-ca-nhan/",
            {"full_name": "Nguyễn Văn An", "phone": "0901234567", "email": "an.moi@example.vn"},
        )

    assert mail.outbox[-1].to == ["an.moi@example.vn"]
    assert not CitizenProfile.objects.get(user=place.citizen).is_verified


def test_profile_needs_login(client: Client) -> None:
    response = client.get("/tai-khoan/ho-so-ca-nhan/")

    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_make_citizen_helper_is_verified(db: None) -> None:
    user = make_citizen("x@example.vn")
    assert CitizenProfile.objects.get(user=user).is_verified
