"""Workspace pages: home counts, lists (filters, search, sort, pages, query counts), counter
intake, register, workload, the user guide."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.core import pagination
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.tests import files

from .conftest import APPLICANT, Province


def intake(p: Province, code: str = "1.001193", **applicant) -> Dossier:
    dossier, _ = s.dossier_intake(
        actor=p.users["desk"],
        procedure=p.procedure(code),
        unit=p.commune,
        channel="counter",
        applicant={**APPLICANT, **applicant},
    )
    return dossier


def submit_online(p: Province) -> Dossier:
    dossier, _ = s.dossier_intake(
        actor=p.users["citizen"],
        procedure=p.procedure("1.001193"),
        unit=p.commune,
        channel="online",
        applicant=APPLICANT,
    )
    return dossier


def test_desk_home_counts_every_list_in_one_query(province: Province, signed_in) -> None:
    intake(province)
    submit_online(province)
    submit_online(province)
    client = signed_in("desk")
    response = client.get("/can-bo/")
    assert response.status_code == 200
    counts = {item.key: count for item, count in response.context["cards"]}
    assert counts["inbox"] == 2
    assert counts["received"] == 1
    html = response.content.decode()
    assert "Chờ tiếp nhận (trực tuyến)" in html
    assert "Tiếp nhận hồ sơ tại quầy" in html


def test_specialist_sees_the_steps_of_their_role_as_theirs(province: Province, signed_in) -> None:
    d = intake(province)
    s.dossier_forward(dossier=d, actor=province.users["desk"])  # to Thẩm định (specialist)
    response = signed_in("specialist").get("/can-bo/ho-so/?list=mine")
    assert [x.code for x in response.context["page"].object_list] == [d.code]
    # The leader's step is not the specialist's; the leader sees it unassigned.
    assert signed_in("leader").get("/can-bo/ho-so/?list=mine").context["page"].paginator.count == 0
    unassigned = signed_in("leader").get("/can-bo/ho-so/?list=unassigned")
    assert unassigned.context["page"].paginator.count == 1
    s.dossier_forward(dossier=d, actor=province.users["specialist"])
    assert signed_in("leader").get("/can-bo/ho-so/?list=mine").context["page"].paginator.count == 1


def test_overdue_and_due_soon_lists(province: Province, signed_in) -> None:
    late = intake(province)
    # A same-day procedure received long ago is overdue now.
    Dossier.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=3))
    soon = intake(province)
    Dossier.objects.filter(pk=soon.pk).update(due_at=timezone.now() + dt.timedelta(minutes=30))
    client = signed_in("desk")
    overdue = client.get("/can-bo/ho-so/?list=overdue").context["page"].object_list
    assert [d.code for d in overdue] == [late.code]
    due_soon = client.get("/can-bo/ho-so/?list=due_soon").context["page"].object_list
    assert soon.code in [d.code for d in due_soon]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tran thi", "Trần Thị Hoa"),
        ("0987654321", "Trần Thị Hoa"),
        ("079203001234", "Trần Thị Hoa"),
    ],
)
def test_search_by_name_phone_or_id_number(province: Province, signed_in, query, expected) -> None:
    intake(province)
    intake(province, name="Trần Thị Hoa", phone="0987654321", id_number="079203001234")
    page = signed_in("desk").get("/can-bo/ho-so/", {"list": "all", "q": query}).context["page"]
    assert [d.applicant_name for d in page.object_list] == [expected]


def test_search_by_code_filter_and_sort(province: Province, signed_in) -> None:
    first = intake(province)
    second = intake(province, code="2.000001")
    client = signed_in("desk")
    page = client.get("/can-bo/ho-so/", {"list": "all", "q": first.code[-6:]}).context["page"]
    assert [d.code for d in page.object_list] == [first.code]
    by_field = client.get("/can-bo/ho-so/", {"list": "all", "field": "XD"}).context["page"]
    assert [d.code for d in by_field.object_list] == [second.code]
    by_procedure = client.get("/can-bo/ho-so/", {"list": "all", "procedure": "1.001193"})
    assert [d.code for d in by_procedure.context["page"].object_list] == [first.code]
    sorted_codes = client.get("/can-bo/ho-so/", {"list": "all", "sort": "code"}).context["page"]
    assert [d.code for d in sorted_codes.object_list] == sorted([first.code, second.code])
    channel = client.get("/can-bo/ho-so/", {"list": "all", "channel": "online"}).context["page"]
    assert channel.paginator.count == 0
    today = timezone.localdate().isoformat()
    dated = client.get("/can-bo/ho-so/", {"list": "all", "from": today, "to": today})
    assert dated.context["page"].paginator.count == 2
    before = client.get("/can-bo/ho-so/", {"list": "all", "to": "2020-01-01"})
    assert before.context["page"].paginator.count == 0


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/can-bo/", "/can-bo/ho-so/?list=all", "/can-bo/ho-so/?list=mine"])
def test_list_pages_run_a_fixed_number_of_queries(province: Province, signed_in, url) -> None:
    client = signed_in("desk")
    for _ in range(2):
        intake(province)
    client.get(url)  # warm the calendar cache
    few = _queries(client, url)  # a first page that is the whole list is not counted
    for _ in range(25):
        d = intake(province, code="2.000001")
        s.dossier_forward(dossier=d, actor=province.users["desk"])
    small = _queries(client, url)
    for _ in range(25):
        d = intake(province, code="2.000001")
        s.dossier_forward(dossier=d, actor=province.users["desk"])
    assert _queries(client, url) == small
    # Beyond the first page, its capped count; and the page's step units and assignees, read
    # by primary key once the page has some (the first two dossiers had neither).
    assert few <= small <= few + 1 + 2
    assert small <= 17  # the page in two steps: its ids, then its rows and their relations


def test_lists_paginate(province: Province, signed_in) -> None:
    for _ in range(23):
        intake(province)
    client = signed_in("desk")
    first = client.get("/can-bo/ho-so/?list=all")
    assert len(first.context["page"].object_list) == 20
    assert "Trang 1/2" in first.content.decode()
    second = client.get("/can-bo/ho-so/?list=all&page=2")
    assert len(second.context["page"].object_list) == 3


def test_intake_picker_searches_without_accents(province: Province, signed_in) -> None:
    response = signed_in("desk").get("/can-bo/tiep-nhan/", {"q": "dang ky khai sinh"})
    html = response.content.decode()
    assert "Đăng ký khai sinh" in html
    assert "Chứng nhận có trường hợp" not in html
    assert "autofocus" in html


def test_intake_picker_is_for_the_desk(province: Province, signed_in) -> None:
    assert signed_in("specialist").get("/can-bo/tiep-nhan/").status_code == 403


def test_counter_intake_in_three_page_loads(province: Province, signed_in) -> None:
    client = signed_in("desk")
    loads = 0
    assert client.get("/can-bo/tiep-nhan/").status_code == 200
    loads += 1
    form = client.get("/can-bo/tiep-nhan/3.000001/")
    loads += 1
    html = form.content.decode()
    assert "Cấp lần đầu" in html and "Cấp lại" in html and "Tờ khai" in html
    response = client.post(
        "/can-bo/tiep-nhan/3.000001/",
        {
            "case": "cap-lai",
            "kind": "citizen",
            "name": "Phạm Văn Dũng",
            "id_number": "001203004567",
            "phone": "0912345678",
            "address": "Thôn Một",
            "documents": ["0"],
            "channel": "postal",
            "idempotency_key": "k-1",
        },
        follow=True,
    )
    loads += 1
    assert loads == 3
    assert response.status_code == 200
    dossier = response.context["dossier"]
    assert dossier.channel == "postal" and dossier.case_code == "cap-lai"
    assert dossier.status == Status.RECEIVED
    assert dossier.documents[0]["received"] is True
    assert "/bieu-mau/01/" in response.content.decode()
    assert "Đã tiếp nhận hồ sơ" in response.content.decode()
    pdf = client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/")
    assert pdf["Content-Type"] == "application/pdf"
    # A double submit (same key) does not make a second dossier.
    client.post(
        "/can-bo/tiep-nhan/3.000001/",
        {"case": "cap-lai", "name": "Phạm Văn Dũng", "channel": "postal", "idempotency_key": "k-1"},
    )
    assert Dossier.objects.count() == 1


def test_intake_with_scanned_files(province: Province, signed_in) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("to-khai.pdf", files.PDF)
    client = signed_in("desk")
    response = client.post(
        "/can-bo/tiep-nhan/1.001193/",
        {"name": "Lê Thị Em", "channel": "counter", "documents": ["0", "1"], "files": [pdf]},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert list(dossier.attachments.values_list("kind", flat=True)) == ["document"]


def test_intake_errors_are_shown_next_to_the_fields_and_nothing_is_saved(
    province: Province, signed_in
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in("desk")
    response = client.post(
        "/can-bo/tiep-nhan/1.001193/",
        {"name": "", "phone": "12", "channel": "counter"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err-intake-name"' in html and "Vui lòng nhập họ tên chủ hồ sơ." in html
    assert 'id="err-intake-phone"' in html
    bad_file = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100)
    response = client.post(
        "/can-bo/tiep-nhan/1.001193/",
        {"name": "Lê Văn F", "channel": "counter", "files": [bad_file]},
    )
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF" in response.content.decode()
    assert not Dossier.objects.exists()


def test_intake_of_a_procedure_the_unit_does_not_do_is_404(province: Province, signed_in) -> None:
    assert signed_in("desk").get("/can-bo/tiep-nhan/1.009972/").status_code == 404


def test_register_page_downloads_pdf_and_excel(province: Province, signed_in) -> None:
    intake(province)
    client = signed_in("leader")
    assert client.get("/can-bo/so-theo-doi/").status_code == 200
    today = timezone.localdate().isoformat()
    params = {"unit": province.commune.code, "from": today, "to": today}
    pdf = client.get("/can-bo/so-theo-doi/", {**params, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = client.get("/can-bo/so-theo-doi/", {**params, "format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.get("/can-bo/so-theo-doi/", {**params, "from": "x", "format": "pdf"})
    assert bad.status_code == 400
    other = client.get(
        "/can-bo/so-theo-doi/", {**params, "unit": province.department.code, "format": "pdf"}
    )
    assert other.status_code == 404


def test_workload_lists_open_dossiers_per_officer(province: Province, signed_in) -> None:
    for _ in range(2):
        d = intake(province)
        s.dossier_forward(dossier=d, actor=province.users["desk"], assignee="specialist")
    d = intake(province)
    s.dossier_forward(dossier=d, actor=province.users["desk"])
    response = signed_in("leader").get("/can-bo/phan-cong/")
    assert response.status_code == 200
    rows = {r["assignee__username"]: r["total"] for r in response.context["rows"]}
    assert rows == {"specialist": 2, None: 1}
    mine = signed_in("leader").get("/can-bo/phan-cong/?can_bo=specialist")
    assert mine.context["page"].paginator.count == 2
    assert signed_in("specialist").get("/can-bo/phan-cong/").status_code == 403


@pytest.mark.parametrize("slug", ["mot-cua", "chuyen-vien", "lanh-dao", "quan-tri-don-vi"])
def test_user_guide_pages(province: Province, signed_in, slug: str) -> None:
    client = signed_in("desk")
    assert "Hướng dẫn sử dụng" in client.get("/can-bo/huong-dan/").content.decode()
    response = client.get(f"/can-bo/huong-dan/{slug}/")
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert client.get("/can-bo/huong-dan/khong-co/").status_code == 404
    assert client.get("/can-bo/huong-dan/anh/..%2Fsecret.png").status_code == 404


def test_intake_picker_ranks_with_the_portals_engine(province: Province, signed_in) -> None:
    client = signed_in("desk")
    page = client.get("/can-bo/tiep-nhan/", {"q": "đăng kí khai sinh"})
    codes = [p.code for p, _folded in page.context["procedures"]]
    from motcua.procedures.selectors import procedure_search

    unit = page.context["unit"].code
    assert codes == [p.code for p in procedure_search(query="đăng kí khai sinh", unit=unit)]
    assert codes[0] == "1.001193"
    partial = client.get("/can-bo/tiep-nhan/", {"q": "đăng kí khai sinh", "partial": "1"})
    html = partial.content.decode()
    assert html.lstrip().startswith("<li") and "<html" not in html


def test_intake_without_the_required_papers_is_refused_and_saves_nothing(
    province: Province, signed_in
) -> None:
    client = signed_in("desk")
    response = client.post(
        "/can-bo/tiep-nhan/1.001193/",
        {"name": "Lê Văn Giang", "channel": "counter", "idempotency_key": "m-1"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err-intake-documents"' in html and "Chưa nhận đủ giấy tờ bắt buộc" in html
    assert not Dossier.objects.exists()


def test_intake_with_missing_papers_needs_a_reason_then_asks_for_them(
    province: Province, signed_in
) -> None:
    client = signed_in("desk")
    data = {"name": "Lê Văn Giang", "channel": "counter", "missing": "supplement"}
    response = client.post("/can-bo/tiep-nhan/1.001193/", {**data, "idempotency_key": "m-2"})
    assert response.status_code == 400
    assert 'id="err-intake-missing_reason"' in response.content.decode()
    assert not Dossier.objects.exists()
    response = client.post(
        "/can-bo/tiep-nhan/1.001193/",
        {**data, "missing_reason": "Người nộp bổ sung sau", "idempotency_key": "m-3"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    request = dossier.events.get(action="request-supplement")
    assert request.data["items"] and request.note == "Người nộp bổ sung sau"
    assert client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/02/").status_code == 200


def test_the_navigation_offers_only_pages_the_officer_may_open(
    province: Province, signed_in
) -> None:
    desk = signed_in("desk").get("/can-bo/").content.decode()
    assert 'id="nav-workload"' not in desk  # assignment is for leaders and unit admins
    assert "/can-bo/tiep-nhan/" in desk
    specialist = signed_in("specialist").get("/can-bo/").content.decode()
    assert "/can-bo/tiep-nhan/" not in specialist.split("<main", 1)[0]
    leader = signed_in("leader").get("/can-bo/").content.decode()
    assert 'id="nav-workload"' in leader
    assert signed_in("leader").get("/can-bo/phan-cong/").status_code == 200


def test_access_keys_are_used_once_a_page(province: Province, signed_in) -> None:
    import re

    html = signed_in("desk").get("/can-bo/tiep-nhan/1.001193/").content.decode()
    keys = re.findall(r'accesskey="(\w)"', html)
    assert keys and len(keys) == len(set(keys))


def test_the_leaders_home_opens_on_a_list_with_work(province: Province, signed_in) -> None:
    dossier = s.dossier_forward(dossier=intake(province), actor=province.users["desk"])
    # Assigned: the leader's first list ("not yet assigned") is empty, another is not.
    s.dossier_assign(dossier=dossier, actor=province.users["leader"], assignee="specialist")
    page = signed_in("leader").get("/can-bo/")
    assert page.context["featured"].key != "unassigned"
    assert [d.code for d in page.context["dossiers"]] == [dossier.code]


def test_the_list_page_says_more_than_the_cap(monkeypatch, province: Province, signed_in) -> None:
    for _ in range(23):
        intake(province)
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 20)  # the cap is 1,000
    client = signed_in("desk")
    text = client.get("/can-bo/ho-so/", {"list": "all"}).content.decode()
    assert "Hơn 20 hồ sơ: thu hẹp bằng bộ lọc hoặc tìm kiếm." in text
    assert "Trang 1" in text and "Trang 1/" not in text and 'rel="next"' in text
    last = client.get("/can-bo/ho-so/", {"list": "all", "page": 2}).context["page"]
    assert len(last.object_list) == 3 and not last.has_next()  # counted up to that page
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 1000)
    text = client.get("/can-bo/ho-so/", {"list": "all"}).content.decode()
    assert "23 hồ sơ" in text and "Hơn" not in text and "Trang 1/2" in text
