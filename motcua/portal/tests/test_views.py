"""The public site: home, procedure list with filters and pages, procedure page."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from django.test import Client

from motcua.procedures.catalog import catalog_import

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return response.content.decode()


def _listed_codes(response: Any) -> list[str]:
    return re.findall(r'href="/thu-tuc/([^/"]+)/"', _text(response))


def test_home_lists_the_fields_and_has_a_labelled_search_box(
    catalog: dict[str, Any], client: Client
) -> None:
    response = client.get("/")

    assert response.status_code == 200
    html = _text(response)
    assert '<html lang="vi">' in html
    for name in ("Hộ tịch", "Đất đai", "Hoạt động xây dựng"):
        assert name in html
    assert '<label for="search-q">' in html
    assert 'id="search-q" name="q"' in html
    assert 'href="/thu-tuc/?field=HT"' in html


def test_skip_link_comes_first_and_targets_main(client: Client) -> None:
    html = _text(client.get("/"))

    body = html.split("<body>", 1)[1]
    assert body.lstrip().startswith('<a class="skip-link" href="#main">')
    assert '<main id="main"' in html


def test_list_search_folds_accents(catalog: dict[str, Any], client: Client) -> None:
    response = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})

    assert response.status_code == 200
    assert _listed_codes(response)[0] == "1.001193"
    assert "Đăng ký khai sinh" in _text(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"field": "DD"}, {"1.004227", "1.012701"}),
        ({"level": "department"}, {"1.009972"}),
        ({"unit": "000.00.13.H99"}, {"1.012701"}),
        ({"q": "dat dai", "level": "province"}, {"1.012701"}),
    ],
)
def test_list_filters(
    catalog: dict[str, Any], client: Client, params: dict[str, str], expected: set[str]
) -> None:
    response = client.get("/thu-tuc/", params)

    assert response.status_code == 200
    assert set(_listed_codes(response)) == expected


def test_list_keeps_the_chosen_filter_selected(catalog: dict[str, Any], client: Client) -> None:
    html = _text(client.get("/thu-tuc/", {"field": "DD"}))

    assert '<option value="DD" selected>' in html


def _import_many(catalog_data: dict[str, Any], n: int) -> None:
    data = copy.deepcopy(catalog_data)
    template = data["procedures"][1]
    for i in range(n):
        extra = copy.deepcopy(template)
        extra["code"] = f"9.{i:06d}"
        extra["name"] = f"Thủ tục hộ tịch số {i:02d}"
        data["procedures"].append(extra)
    catalog_import(data)


def test_list_pages_and_page_two_works(catalog_data: dict[str, Any], client: Client) -> None:
    _import_many(catalog_data, 30)  # 37 procedures, 20 a page

    first = client.get("/thu-tuc/", {"field": "HT"})
    second = client.get("/thu-tuc/", {"field": "HT", "page": 2})

    assert first.status_code == 200
    assert second.status_code == 200
    assert len(_listed_codes(first)) == 20
    assert len(_listed_codes(second)) == 34 - 20
    assert not set(_listed_codes(first)) & set(_listed_codes(second))
    assert 'href="?field=HT&amp;page=2"' in _text(first)
    assert 'aria-current="page"' in _text(second)


@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1e9", "\x00"])
def test_out_of_range_page_is_not_an_error(
    catalog: dict[str, Any], client: Client, page: str
) -> None:
    response = client.get("/thu-tuc/", {"page": page})

    assert response.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 5000},
        {"q": "%_'; DROP TABLE procedures_procedure; --"},
        {"q": "\x00\x01🙂"},
        {"field": "\x00"},
        {"unit": "'; --", "level": "\x00"},
    ],
)
def test_strange_list_query_is_200(
    catalog: dict[str, Any], client: Client, params: dict[str, str]
) -> None:
    assert client.get("/thu-tuc/", params).status_code == 200


def test_procedure_page_shows_the_whole_record(catalog: dict[str, Any], client: Client) -> None:
    response = client.get("/thu-tuc/1.001193/")

    assert response.status_code == 200
    html = _text(response)
    assert "<h1>Đăng ký khai sinh</h1>" in html
    assert "Tờ khai đăng ký khai sinh" in html  # documents
    assert "Trong ngày (tiếp nhận trước 15:00)" in html  # time
    assert "Miễn lệ phí nếu đăng ký đúng hạn" in html  # fee
    assert '<a href="https://vbpl.vn/luat-ho-tich-2014" rel="noopener">60/2014/QH13</a>' in html
    assert "123/2015/NĐ-CP" in html  # legal basis without a link
    assert "Giấy khai sinh (bản chính)" in html  # result
    assert "UBND xã An Bình" in html  # where to submit
    assert "Thôn Đông, xã An Bình" in html


def test_procedure_page_shows_cases_fee_and_days(catalog: dict[str, Any], client: Client) -> None:
    html = _text(client.get("/thu-tuc/1.009972/"))

    assert "Công trình theo tuyến" in html
    assert "Bản vẽ bình đồ tuyến" in html
    assert "20 ngày làm việc" in html
    assert "150000 đồng" in html or "150.000 đồng" in html
    assert "Sở Xây dựng" in html


@pytest.mark.parametrize("code", ["9.999999", "%00", "..", "1.001193%00"])
def test_unknown_procedure_is_404(catalog: dict[str, Any], client: Client, code: str) -> None:
    assert client.get(f"/thu-tuc/{code}/").status_code == 404


def test_english_still_renders(catalog: dict[str, Any], client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/1.001193/"})

    assert response.status_code == 302
    page = client.get("/thu-tuc/1.001193/")
    assert page.status_code == 200
    assert '<html lang="en">' in _text(page)
    assert "Đăng ký khai sinh" in _text(page)  # content stays in Vietnamese
    assert client.get("/").status_code == 200


def test_healthz_answers_ok(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
