"""Lookup from home — the page and the API (CONTRACT.md §2): no personal data without the
last four phone digits; rate limits; once-per-dossier rating."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import Place, submit, to_returned, to_supplement
from motcua.portal.models import Rating

pytestmark = pytest.mark.django_db
NAME = "Nguyễn Văn An"


def _html(response: Any) -> str:
    return response.content.decode()


def _rates(settings: Any, lookup: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "10/min", "lookup": lookup},
    }


def test_lookup_page_without_code_shows_a_labelled_form(client: Client) -> None:
    html = _html(client.get("/tra-cuu/"))

    assert '<label for="id_code">' in html
    assert '<label for="id_verify">' in html


def test_lookup_without_digits_shows_status_and_timeline_but_no_personal_data(
    place: Place, client: Client
) -> None:
    dossier = to_supplement(place, submit(place))

    html = _html(client.get("/tra-cuu/", {"code": dossier.code}))

    assert "Yêu cầu bổ sung giấy tờ" in html
    assert "Tiến trình xử lý" in html
    assert NAME not in html
    assert "0901234567" not in html
    assert "Bản sao sổ hộ khẩu" not in html  # the items asked for are for the applicant
    assert "desk" not in html  # never who


def test_lookup_with_digits_adds_name_and_documents(place: Place, client: Client) -> None:
    dossier = submit(place)

    html = _html(client.get("/tra-cuu/", {"code": dossier.code, "verify": "4567"}))

    assert NAME in html
    assert "Tờ khai đăng ký khai sinh" in html


def test_lookup_with_wrong_digits_says_so_and_shows_public_data_only(
    place: Place, client: Client
) -> None:
    dossier = submit(place)

    response = client.get("/tra-cuu/", {"code": dossier.code, "verify": "0000"})

    assert response.status_code == 200
    assert "không khớp" in _html(response)
    assert NAME not in _html(response)


@pytest.mark.parametrize("verify", ["12", "abcd", "12345"])
def test_malformed_digits_are_explained_beside_the_field(
    place: Place, client: Client, verify: str
) -> None:
    dossier = submit(place)

    response = client.get("/tra-cuu/", {"code": dossier.code, "verify": verify})

    assert response.status_code == 400
    assert 'id="id_verify-error"' in _html(response)
    assert "Nhập đúng 4 chữ số." in _html(response)
    assert dossier.code in _html(response)  # the code is kept


def test_unknown_code_gets_a_helpful_not_found_page(place: Place, client: Client) -> None:
    response = client.get("/tra-cuu/", {"code": "000.01.01.T01-990101-9999"})

    assert response.status_code == 404
    html = _html(response)
    assert "Không tìm thấy hồ sơ" in html
    assert "Kiểm tra lại mã" in html
    assert 'name="code"' in html
    assert client.get("/tra-cuu/", {"code": "a\x00b"}).status_code in {400, 404}  # not a 500


def test_lookup_page_is_rate_limited_with_a_vietnamese_message(
    place: Place, client: Client, settings: Any
) -> None:
    _rates(settings, "3/min")
    dossier = submit(place)
    for _ in range(3):
        assert client.get("/tra-cuu/", {"code": dossier.code}).status_code == 200

    response = client.get("/tra-cuu/", {"code": dossier.code})

    assert response.status_code == 429
    assert "tra cứu quá nhiều lần" in _html(response)


def test_wrong_digits_are_limited_per_dossier(place: Place, client: Client) -> None:
    dossier = submit(place)
    for guess in range(10):
        client.get("/tra-cuu/", {"code": dossier.code, "verify": f"{guess:04d}"})

    assert client.get("/tra-cuu/", {"code": dossier.code, "verify": "1111"}).status_code == 429


def test_rating_from_the_lookup_page_with_digits(place: Place, client: Client) -> None:
    dossier = to_returned(place, submit(place))
    page = _html(client.get("/tra-cuu/", {"code": dossier.code, "verify": "4567"}))
    assert "Đánh giá mức độ hài lòng" in page

    wrong = client.post(
        f"/tra-cuu/{dossier.code}/danh-gia/", {"verify": "0000", "score": "5"}, follow=True
    )
    assert "không khớp" in _html(wrong)
    bad = client.post(f"/tra-cuu/{dossier.code}/danh-gia/", {"verify": "4567", "score": "0"})
    assert bad.status_code == 400
    assert "Chọn mức hài lòng từ 1 đến 5." in _html(bad)

    done = client.post(
        f"/tra-cuu/{dossier.code}/danh-gia/",
        {"verify": "4567", "score": "5", "comment": "Tốt", "liked": "0"},
        follow=True,
    )
    assert "Cảm ơn bạn đã đánh giá." in _html(done)
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.score, rating.via_lookup, rating.user) == (5, True, None)
    assert rating.liked is False  # the dislike indicator 5.4 counts


# ---------------------------------------------------------------------------- API


def test_api_lookup_without_verify_has_no_personal_data(place: Place, api_client: Any) -> None:
    dossier = submit(place)

    response = api_client.get(f"/api/v1/lookup/{dossier.code}")

    assert response.status_code == 200
    body = response.json()
    assert {
        "code",
        "procedure",
        "unit",
        "status",
        "status_label",
        "received_at",
        "due_at",
        "resolved_at",
        "returned_at",
    } <= set(body)
    assert body["status"] == "submitted"
    assert "applicant_name" not in body and "timeline" not in body and "documents" not in body
    assert "0901234567" not in response.content.decode()
    assert NAME not in response.content.decode()


def test_api_lookup_with_verify_adds_name_and_timeline(place: Place, api_client: Any) -> None:
    dossier = submit(place)

    body = api_client.get(f"/api/v1/lookup/{dossier.code}", {"verify": "4567"}).json()

    assert body["applicant_name"] == NAME
    assert [e["action"] for e in body["timeline"]] == ["intake"]
    assert body["timeline"][0]["at"].endswith("+07:00")
    assert "actor" not in body["timeline"][0]
    assert body["documents"][0] == {"name": "Tờ khai đăng ký khai sinh", "received": True}


def test_api_lookup_wrong_verify_is_public_and_unknown_is_404(
    place: Place, api_client: Any
) -> None:
    dossier = submit(place)

    assert (
        "applicant_name"
        not in api_client.get(f"/api/v1/lookup/{dossier.code}", {"verify": "9999"}).json()
    )
    missing = api_client.get("/api/v1/lookup/KHONG-CO")
    assert missing.status_code == 404
    assert "detail" in missing.json()


def test_api_lookup_is_rate_limited(place: Place, api_client: Any, monkeypatch: Any) -> None:
    # The rate is read when the throttle class is created: 30/min by default. The window is
    # the clock minute: the clock stands still, so the 31 requests never straddle two minutes.
    from motcua.core import ratelimit

    frozen = ratelimit._now()
    monkeypatch.setattr(ratelimit, "_now", lambda: frozen)
    dossier = submit(place)
    statuses = [api_client.get(f"/api/v1/lookup/{dossier.code}").status_code for _ in range(31)]

    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert "detail" in api_client.get(f"/api/v1/lookup/{dossier.code}").json()


def test_api_rating_once_per_dossier(place: Place, api_client: Any) -> None:
    dossier = submit(place)
    url = f"/api/v1/lookup/{dossier.code}/rating"

    early = api_client.post(url, {"verify": "4567", "score": 5}, format="json")
    assert early.status_code == 409

    to_returned(place, dossier)
    assert api_client.post(url, {"verify": "0000", "score": 5}, format="json").status_code == 403
    bad = api_client.post(url, {"verify": "4567", "score": 6}, format="json")
    assert bad.status_code == 400
    assert "score" in bad.json()
    assert api_client.post(url, {"verify": "4567", "score": "x"}, format="json").status_code == 400
    assert (
        api_client.post(
            url, {"verify": "4567", "score": 3, "comment": 5}, format="json"
        ).status_code
        == 400
    )

    assert (
        api_client.post(url, {"verify": "4567", "score": 3, "liked": "có"}, format="json")
    ).status_code == 400
    first = api_client.post(
        url, {"verify": "4567", "score": 3, "comment": "Được", "liked": True}, format="json"
    )
    second = api_client.post(url, {"verify": "4567", "score": 5}, format="json")

    assert first.status_code == 201
    assert first.json()["score"] == 3
    assert second.status_code == 409
    assert Rating.objects.get(dossier=dossier).score == 3
    assert first.json()["liked"] is True and Rating.objects.get(dossier=dossier).liked is True
    assert (
        api_client.post(
            "/api/v1/lookup/KHONG-CO/rating", {"verify": "4567", "score": 3}, format="json"
        ).status_code
        == 404
    )


def test_api_lookup_is_in_the_schema(api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema").content.decode()

    assert "/api/v1/lookup/{code}" in schema
    assert "/api/v1/lookup/{code}/rating" in schema


# ---------------------------------------------------------------------------- help


@pytest.mark.parametrize(
    "topic", ["nop-ho-so", "theo-doi", "bo-sung", "thanh-toan", "trang-thai", "tai-khoan"]
)
def test_help_pages_in_vietnamese(client: Client, topic: str) -> None:
    response = client.get(f"/huong-dan/{topic}/")

    assert response.status_code == 200
    assert "<h1>" in _html(response)


def test_status_help_lists_every_status_with_its_national_code(client: Client) -> None:
    html = _html(client.get("/huong-dan/trang-thai/"))

    for label in (
        "Mới đăng ký",
        "Yêu cầu bổ sung giấy tờ",
        "Đã trả kết quả",
        "Công dân yêu cầu rút hồ sơ",
    ):
        assert label in html
    assert "<td>10</td>" in html
    assert client.get("/huong-dan/khong-co/").status_code == 404
    assert 'href="/huong-dan/"' in _html(client.get("/"))


def test_citizen_pages_have_english_as_second_language(client: Client) -> None:
    english = _html(client.get("/tra-cuu/", HTTP_ACCEPT_LANGUAGE="en"))
    vietnamese = _html(client.get("/tra-cuu/", HTTP_ACCEPT_LANGUAGE="vi"))

    assert "Look up a dossier" in english
    assert "Dossier code" in english
    assert "Tra cứu hồ sơ" in vietnamese
    assert "Sign in" in _html(client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en"))


def test_lookup_finds_a_code_typed_in_small_letters(place: Place, client: Client) -> None:
    dossier = submit(place)
    assert dossier.code.lower() != dossier.code

    response = client.get("/tra-cuu/", {"code": dossier.code.lower()})

    assert response.status_code == 200
    assert dossier.code in _html(response)
