"""The dossier page: everything about the dossier, exactly the actions this officer may
take, each action form with its inputs, its bad inputs and the stale-version conflict."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.dossiers.tests.files import PDF

from .conftest import APPLICANT, Province
from .test_pages import intake, submit_online


def act(client, d: Dossier, action: str, data: dict | None = None, version: int | None = None):
    payload = {"version": d.version if version is None else version, **(data or {})}
    return client.post(f"/can-bo/ho-so/{d.code}/thao-tac/{action}/", payload)


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def test_dossier_page_shows_everything(province: Province, signed_in) -> None:
    d = intake(province, code="2.000001")
    response = signed_in("desk").get(f"/can-bo/ho-so/{d.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        d.code,
        "Nguyễn Văn An",
        "Thủ tục liên thông thử",
        "Hạn trả kết quả",
        "Cách tính hạn",
        "Quá trình xử lý",
        "Tiếp nhận hồ sơ",
        "Mẫu số 01",
    ):
        assert text in html, text
    assert response.context["deadline"]["lines"][0].startswith("Tiếp nhận lúc")
    assert set(response.context["actions"]) == {"request-supplement", "forward", "withdraw"}
    assert 'name="version" value="1"' in html


def test_only_the_actions_this_officer_may_take_are_offered(province: Province, signed_in) -> None:
    d = intake(province)
    assert signed_in("specialist").get(f"/can-bo/ho-so/{d.code}/").context["actions"] == [
        "request-supplement"
    ]
    assert "stop" in signed_in("leader").get(f"/can-bo/ho-so/{d.code}/").context["actions"]


def test_a_commune_officer_cannot_open_a_department_dossier(province: Province, signed_in) -> None:
    dossier, _ = s.dossier_intake(
        actor=province.users["dept_desk"],
        procedure=province.procedure("1.009972"),
        unit=province.department,
        channel="counter",
        applicant=APPLICANT,
    )
    client = signed_in("desk")
    assert client.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/01/").status_code == 404
    assert act(client, dossier, "withdraw").status_code == 404
    assert signed_in("dept_desk").get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200


def test_accept_an_online_dossier(province: Province, signed_in) -> None:
    d = submit_online(province)
    client = signed_in("desk")
    response = act(client, d, "accept")
    assert response.status_code == 302
    assert response["Location"].endswith("?form=01#forms")
    assert fresh(d).status == Status.RECEIVED
    page = client.get(response["Location"])
    assert "Đã thực hiện “Tiếp nhận”" in page.content.decode()


def test_refuse_needs_a_reason_and_writes_nothing_without_it(province: Province, signed_in) -> None:
    d = submit_online(province)
    client = signed_in("desk")
    response = act(client, d, "refuse", {"reason": "  "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="err-refuse-reason"' in html and "Vui lòng nêu lý do từ chối." in html
    assert fresh(d).status == Status.SUBMITTED and fresh(d).event_count == 1
    assert act(client, d, "refuse", {"reason": "Sai thẩm quyền"}).status_code == 302
    assert fresh(d).status == Status.REFUSED
    assert client.get(f"/can-bo/ho-so/{d.code}/bieu-mau/03/").status_code == 200


def test_a_stale_page_gets_the_conflict_message_and_the_fresh_state(
    province: Province, signed_in
) -> None:
    d = intake(province)
    stale_version = d.version
    s.dossier_forward(dossier=d, actor=province.users["desk"])  # someone else moved it
    response = act(signed_in("desk"), d, "request-supplement", {"items": "Giấy"}, stale_version)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Hồ sơ vừa được người khác cập nhật" in html
    assert response.context["dossier"].status == Status.PROCESSING
    assert f'name="version" value="{stale_version + 1}"' in html
    assert fresh(d).status == Status.PROCESSING


def test_request_supplement_then_supplement_with_a_file(province: Province, signed_in) -> None:
    d = intake(province)
    client = signed_in("desk")
    missing = act(client, d, "request-supplement", {"items": ""})
    assert (
        missing.status_code == 400
        and "Vui lòng liệt kê giấy tờ cần bổ sung." in missing.content.decode()
    )
    ok = act(client, d, "request-supplement", {"items": "Giấy chứng sinh\nTờ khai"})
    assert ok.status_code == 302 and ok["Location"].endswith("?form=02#forms")
    d = fresh(d)
    assert d.status == Status.SUPPLEMENT_REQUESTED
    assert d.events.last().data["items"] == ["Giấy chứng sinh", "Tờ khai"]
    upload = SimpleUploadedFile("bo-sung.pdf", PDF)
    assert act(client, d, "supplement", {"file": upload}).status_code == 302
    d = fresh(d)
    assert d.status == Status.RECEIVED
    assert d.attachments.filter(kind="supplement").count() == 1


def test_forward_with_assignee_send_back_and_assign(province: Province, signed_in) -> None:
    d = intake(province)
    desk = signed_in("desk")
    page = desk.get(f"/can-bo/ho-so/{d.code}/")
    assert [u.username for u in page.context["forward_officers"]] == ["specialist", "specialist2"]
    bad = act(desk, d, "forward", {"assignee": "leader"})
    assert bad.status_code == 400 and "không giữ vai trò specialist" in bad.content.decode()
    assert act(desk, d, "forward", {"assignee": "specialist2"}).status_code == 302
    d = fresh(d)
    assert d.assignee.username == "specialist2"
    leader = signed_in("leader")
    assert "assign" in leader.get(f"/can-bo/ho-so/{d.code}/").context["actions"]
    assert act(leader, d, "assign", {"assignee": "specialist"}).status_code == 302
    d = fresh(d)
    assert d.assignee.username == "specialist"
    assert act(signed_in("specialist"), d, "send-back").status_code == 302
    assert fresh(d).status == Status.RECEIVED


def test_payment_request_needs_an_amount_then_confirmation(province: Province, signed_in) -> None:
    d = intake(province, code="2.000001")
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    spec = signed_in("specialist")
    bad = act(spec, d, "request-payment", {"amount": "mười nghìn"})
    assert bad.status_code == 400 and "số nguyên dương" in bad.content.decode()
    assert fresh(d).status == Status.PROCESSING
    assert act(spec, d, "request-payment", {"amount": "50.000"}).status_code == 302
    d = fresh(d)
    assert d.status == Status.AWAITING_PAYMENT and d.fee_amount == 50000
    assert act(signed_in("desk"), d, "confirm-payment", {"reference": "BL-01"}).status_code == 302
    assert fresh(d).status == Status.PROCESSING


def test_extend_needs_a_date_and_a_reason(province: Province, signed_in) -> None:
    d = intake(province, code="2.000001")
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    leader = signed_in("leader")
    response = act(leader, d, "extend", {"reason": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chọn ngày hẹn trả mới." in html and "Vui lòng nêu lý do gia hạn." in html
    past = act(leader, d, "extend", {"reason": "Chậm", "extended_date": "2020-01-01"})
    assert past.status_code == 400 and "Ngày hẹn mới phải sau" in past.content.decode()
    new_day = (d.due_at + timezone.timedelta(days=10)).date().isoformat()
    ok = act(leader, d, "extend", {"reason": "Cần xác minh", "extended_date": new_day})
    assert ok.status_code == 302 and ok["Location"].endswith("?form=04#forms")
    assert fresh(d).extended_due_at is not None


def test_stop_needs_a_reason(province: Province, signed_in) -> None:
    d = intake(province)
    leader = signed_in("leader")
    assert act(leader, d, "stop").status_code == 400
    assert act(leader, d, "stop", {"reason": "Theo đề nghị của người nộp"}).status_code == 302
    assert fresh(d).status == Status.STOPPED


def test_resolve_with_a_result_file_then_return(province: Province, signed_in) -> None:
    d = intake(province)
    d = s.dossier_forward(dossier=d, actor=province.users["desk"])
    d = s.dossier_forward(dossier=d, actor=province.users["specialist"])
    leader = signed_in("leader")
    denied = act(leader, d, "resolve", {"outcome": "denied"})
    assert (
        denied.status_code == 400
        and "Vui lòng nêu lý do không giải quyết." in denied.content.decode()
    )
    bad_file = act(leader, d, "resolve", {"file": SimpleUploadedFile("a.txt", b"hello")})
    assert bad_file.status_code == 400 and fresh(d).status == Status.PROCESSING
    upload = SimpleUploadedFile("giay-khai-sinh.pdf", PDF)
    assert act(leader, d, "resolve", {"outcome": "granted", "file": upload}).status_code == 302
    d = fresh(d)
    assert d.status == Status.RESOLVED
    result = Attachment.objects.get(dossier=d, kind="result")
    desk = signed_in("desk")
    download = desk.get(f"/can-bo/ho-so/{d.code}/tep/{result.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    view = desk.get(f"/can-bo/ho-so/{d.code}/tep/{result.pk}/?xem=1")
    assert "inline" in view["Content-Disposition"]
    assert act(desk, d, "return", {"method": "ship"}).status_code == 400
    assert act(desk, d, "return", {"method": "counter"}).status_code == 302
    assert fresh(d).status == Status.RETURNED


def test_withdraw_and_forbidden_and_unknown_actions(province: Province, signed_in) -> None:
    d = intake(province)
    spec = signed_in("specialist")
    forbidden = act(spec, d, "withdraw")
    assert forbidden.status_code == 403
    assert "Vai trò của bạn không được" in forbidden.content.decode()
    assert act(spec, d, "no-such-action").status_code == 404
    assert act(spec, d, "intake").status_code == 404
    assert act(signed_in("desk"), d, "withdraw", {"note": "Đơn rút hồ sơ"}).status_code == 302
    assert fresh(d).status == Status.WITHDRAWN
    not_allowed = act(signed_in("desk"), fresh(d), "withdraw")
    assert not_allowed.status_code == 409


def test_upload_a_scanned_file_on_the_dossier_page(province: Province, signed_in) -> None:
    d = intake(province)
    client = signed_in("desk")
    response = client.post(
        f"/can-bo/ho-so/{d.code}/tep/",
        {"file": SimpleUploadedFile("scan.pdf", PDF), "kind": "document"},
    )
    assert response.status_code == 302
    assert client.post(f"/can-bo/ho-so/{d.code}/tep/", {}).status_code == 400
    assert d.attachments.count() == 1


def test_forms_download_and_404_when_not_reached(province: Province, signed_in) -> None:
    d = intake(province)
    client = signed_in("desk")
    inline = client.get(f"/can-bo/ho-so/{d.code}/bieu-mau/01/")
    assert inline.status_code == 200 and inline["Content-Disposition"].startswith("inline")
    assert inline["X-Frame-Options"] == "SAMEORIGIN"  # shown in a frame on the receipt page
    download = client.get(f"/can-bo/ho-so/{d.code}/bieu-mau/06/?tai=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert client.get(f"/can-bo/ho-so/{d.code}/bieu-mau/02/").status_code == 404
    assert client.get(f"/can-bo/ho-so/{d.code}/bieu-mau/09/").status_code == 404
