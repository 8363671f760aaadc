"""The feedback pages: the public form with Vietnamese errors beside the fields, the status
page with the information asked for and the like/dislike of the answer, the published
answers, and the handling in the workspace."""

from __future__ import annotations

from django.test import Client

from motcua.dossiers.tests.conftest import Province, local
from motcua.feedback import services as fs
from motcua.feedback.models import Feedback


def _published(p: Province) -> Feedback:
    f = fs.feedback_submit(
        category="regulation",
        content="Thủ tục khai sinh cần quá nhiều giấy.",
        name="Bình",
        phone="0912345678",
        unit_code=p.commune.code,
        at=local(2026, 3, 2, 8, 0),
    )
    f = fs.feedback_accept(feedback=f, actor=p.users["desk"], at=local(2026, 3, 2, 9, 0))
    f = fs.feedback_answer(
        feedback=f,
        actor=p.users["specialist"],
        answer="Chỉ cần tờ khai.",
        at=local(2026, 3, 3, 9, 0),
    )
    return fs.feedback_publish(feedback=f, actor=p.users["leader"], at=local(2026, 3, 3, 10, 0))


def test_public_form_shows_errors_beside_fields_and_changes_nothing(province: Province) -> None:
    client = Client()
    page = client.get("/phan-anh/gui/")
    assert page.status_code == 200 and "Gửi phản ánh, kiến nghị" in page.content.decode()
    bad = client.post(
        "/phan-anh/gui/",
        {
            "category": "regulation",
            "content": "",
            "name": "Bình",
            "dossier_code": "KHONG-CO-MA",
            "phone": "0912345678",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 400
    assert "Không tìm thấy hồ sơ với mã này." in html
    assert not Feedback.objects.exists()
    ok = client.post(
        "/phan-anh/gui/",
        {
            "category": "conduct",
            "content": "Cán bộ tiếp nhận chậm, hẹn nhiều lần.",
            "name": "Bình",
            "phone": "0912345678",
        },
    )
    f = Feedback.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/phan-anh/{f.code}/"
    status = client.get(ok["Location"]).content.decode()
    assert f.code in status and "Mới tiếp nhận" in status and "0912345678" not in status


def test_status_page_takes_the_information_asked_for(province: Province) -> None:
    p = province
    f = fs.feedback_submit(
        category="other",
        content="Giờ làm việc chưa rõ ràng.",
        name="An",
        phone="0912345678",
        unit_code=p.commune.code,
    )
    fs.feedback_ask_more(feedback=f, actor=p.users["desk"], question="Bộ phận nào?")
    client = Client()
    page = client.get(f"/phan-anh/{f.code}/").content.decode()
    assert "Bộ phận nào?" in page
    wrong = client.post(f"/phan-anh/{f.code}/", {"verify": "1111", "reply": "Một cửa"})
    assert wrong.status_code == 400 and "Thông tin xác minh không đúng." in wrong.content.decode()
    right = client.post(f"/phan-anh/{f.code}/", {"verify": "5678", "reply": "Một cửa"})
    assert right.status_code == 302
    f.refresh_from_db()
    assert f.status == "accepted" and f.info_reply == "Một cửa"


def test_published_answers_are_listed_and_can_be_liked_once(province: Province) -> None:
    f = _published(province)
    client = Client()
    listing = client.get("/phan-anh/").content.decode()
    assert f.code in listing and "Chỉ cần tờ khai." in listing
    client.post(f"/phan-anh/{f.code}/y-kien/", {"liked": "0"})
    client.post(f"/phan-anh/{f.code}/y-kien/", {"liked": "1"})
    f.refresh_from_db()
    assert (f.likes, f.dislikes) == (0, 1)
    assert "/phan-anh/gui/?phan-anh-lai=" in client.get(f"/phan-anh/{f.code}/").content.decode()


def test_workspace_handles_feedback_step_by_step(province: Province, signed_in) -> None:
    p = province
    f = fs.feedback_submit(
        category="regulation",
        content="Đề nghị bỏ bản sao hộ khẩu.",
        name="An",
        email="an@example.vn",
        unit_code=p.commune.code,
    )
    desk = signed_in("desk")
    listing = desk.get("/can-bo/phan-anh/").content.decode()
    assert f.code in listing
    assert signed_in("desk2").get(f"/can-bo/phan-anh/{f.code}/").status_code == 404
    page = desk.get(f"/can-bo/phan-anh/{f.code}/").content.decode()
    assert "Thụ lý" in page and "Công khai trả lời" not in page
    empty = desk.post(f"/can-bo/phan-anh/{f.code}/refuse/", {"version": f.version, "reason": ""})
    assert empty.status_code == 400 and "Vui lòng nêu lý do từ chối." in empty.content.decode()
    assert (
        desk.post(f"/can-bo/phan-anh/{f.code}/accept/", {"version": f.version}).status_code == 302
    )
    stale = desk.post(
        f"/can-bo/phan-anh/{f.code}/ask-more/", {"version": f.version, "question": "?"}
    )
    assert stale.status_code == 409
    f.refresh_from_db()
    spec = signed_in("specialist")
    assert (
        spec.post(
            f"/can-bo/phan-anh/{f.code}/answer/", {"version": f.version, "answer": "Đã bỏ yêu cầu."}
        ).status_code
        == 302
    )
    f.refresh_from_db()
    lead = signed_in("leader")
    assert "Công khai trả lời" in lead.get(f"/can-bo/phan-anh/{f.code}/").content.decode()
    assert (
        lead.post(f"/can-bo/phan-anh/{f.code}/publish/", {"version": f.version}).status_code == 302
    )
    f.refresh_from_db()
    assert f.status == "published"


def test_feedback_pages_have_english_as_second_language(province: Province) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/phan-anh/gui/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Send feedback" in page and "About officers&#x27; conduct" in page


def test_a_citizen_sends_feedback_about_their_dossier(province: Province) -> None:
    from motcua.dossiers.services import dossier_intake
    from motcua.dossiers.tests.conftest import APPLICANT

    d, _ = dossier_intake(
        actor=province.users["citizen"],
        procedure=province.procedure("1.001193"),
        unit=province.commune,
        channel="online",
        applicant=APPLICANT,
    )
    client = Client()
    client.force_login(province.users["citizen"])
    link = f"/phan-anh/gui/?ho-so={d.code}"
    assert link in client.get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    assert f'value="{d.code}"' in client.get(link).content.decode()
    client.post(
        link,
        {
            "category": "conduct",
            "content": "Chưa được tiếp nhận sau 3 ngày.",
            "name": "An",
            "phone": "0901234567",
            "dossier_code": d.code,
        },
    )
    assert Feedback.objects.get().dossier == d and Feedback.objects.get().unit == province.commune
