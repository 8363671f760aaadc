"""The dossier REST API as an integrator uses it (CONTRACT.md §2): bearer tokens, intake with
an idempotency key, scoped lists and details, one endpoint per action, the history, and the
errors (400 per field, 403, 404 outside scope, 409 with the allowed actions), never a 500."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, IdempotencyKey

from .conftest import APPLICANT, PASSWORD, Province

COMMUNE = "000.01.01.T01"
DEPARTMENT = "000.00.01.T01"


def _token(username: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token", {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


@pytest.fixture
def as_user(province: Province) -> Callable[[str], APIClient]:
    """``as_user("desk")``: an API client that sends that user's bearer token."""
    clients: dict[str, APIClient] = {}

    def make(username: str) -> APIClient:
        if username not in clients:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(username)}")
            clients[username] = client
        return clients[username]

    return make


def intake_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procedure": "2.000001",
        "unit": COMMUNE,
        "channel": "counter",
        "applicant": dict(APPLICANT),
        "summary": "Xin văn bản liên thông",
        "documents": ["Đơn"],
    }
    body.update(overrides)
    return body


def create(client: APIClient, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/dossiers", intake_body(**overrides), format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def act(
    client: APIClient, dossier: dict[str, Any], action: str, expect: int = 200, **body: Any
) -> dict[str, Any]:
    body.setdefault("version", dossier["version"])
    response = client.post(f"/api/v1/dossiers/{dossier['code']}/{action}", body, format="json")
    assert response.status_code == expect, (action, response.content)
    return dict(response.json())


# ---------------------------------------------------------------------------- auth


def test_token_gives_access_and_nothing_else_does(province: Province) -> None:
    anonymous = APIClient()
    assert anonymous.get("/api/v1/dossiers").status_code == 401
    wrong = APIClient().post(
        "/api/v1/auth/token", {"username": "desk", "password": "sai"}, format="json"
    )
    assert wrong.status_code == 401
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert forged.get("/api/v1/dossiers").status_code == 401

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_token('desk')}")
    assert client.get("/api/v1/dossiers").status_code == 200
    assert client.delete("/api/v1/auth/token").status_code == 204
    assert client.get("/api/v1/dossiers").status_code == 401


# ---------------------------------------------------------------------------- intake


def test_desk_creates_a_counter_dossier_with_every_contract_field(as_user) -> None:
    d = create(as_user("desk"))
    assert d["code"].startswith(f"{COMMUNE}-")
    assert d["status"] == "received" and d["national_status"] == 2
    for name in [
        "code",
        "procedure",
        "unit",
        "channel",
        "applicant",
        "status",
        "national_status",
        "step",
        "assignee",
        "submitted_at",
        "received_at",
        "due_at",
        "extended_due_at",
        "resolved_at",
        "returned_at",
        "timeliness",
        "version",
        "allowed_actions",
    ]:
        assert name in d, name
    assert d["procedure"]["code"] == "2.000001" and d["unit"]["code"] == COMMUNE
    assert d["applicant"]["name"] == "Nguyễn Văn An"
    assert d["timeliness"] is None and d["version"] == 1
    # Timestamps are ISO 8601 with the local offset.
    assert dt.datetime.fromisoformat(d["received_at"]).utcoffset() == dt.timedelta(hours=7)
    assert dt.datetime.fromisoformat(d["due_at"]) > dt.datetime.fromisoformat(d["received_at"])
    assert d["documents"][0] == {
        "index": 0,
        "name": "Đơn",
        "kind": "original",
        "count": 1,
        "required": True,
        "received": True,
    }
    assert "forward" in d["allowed_actions"]


def test_citizen_submits_online_and_may_not_use_the_counter(as_user) -> None:
    citizen = as_user("citizen")
    d = create(citizen, channel="online")
    assert d["status"] == "submitted" and d["received_at"] is None and d["due_at"] is None
    assert d["allowed_actions"] == ["withdraw"]
    response = citizen.post("/api/v1/dossiers", intake_body(channel="counter"), format="json")
    assert response.status_code == 400 and "channel" in response.json()


def test_officer_of_another_unit_may_not_receive_here(as_user) -> None:
    response = as_user("desk2").post("/api/v1/dossiers", intake_body(), format="json")
    assert response.status_code == 403
    assert Dossier.objects.count() == 0


def test_idempotency_key_makes_a_retry_return_the_first_dossier(as_user) -> None:
    client = as_user("desk")
    first = client.post(
        "/api/v1/dossiers", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    again = client.post(
        "/api/v1/dossiers", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["code"] == first.json()["code"]
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    # Another key, or no key, is another dossier; the same key of another user too.
    other = client.post("/api/v1/dossiers", intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="x")
    assert other.json()["code"] != first.json()["code"]
    assert Dossier.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field", "subfield"),
    [
        ({"procedure": "9.999999"}, "procedure", None),
        ({"unit": "000.99.99.T01"}, "unit", None),
        ({"procedure": "1.009972"}, "unit", None),  # the commune does not perform it
        ({"applicant": {**APPLICANT, "name": "  "}}, "applicant", "name"),
        ({"applicant": {k: v for k, v in APPLICANT.items() if k != "name"}}, "applicant", "name"),
        ({"applicant": {**APPLICANT, "phone": "12345"}}, "applicant", "phone"),
        ({"applicant": {**APPLICANT, "phone": "09012345678901"}}, "applicant", "phone"),
        ({"applicant": {**APPLICANT, "id_number": "12AB"}}, "applicant", "id_number"),
        ({"applicant": {**APPLICANT, "email": "not-an-address"}}, "applicant", "email"),
        ({"applicant": "Nguyễn Văn An"}, "applicant", None),
        ({"channel": "fax"}, "channel", None),
        ({"documents": ["Không có trong danh mục"]}, "documents", None),
    ],
)
def test_bad_intake_is_400_per_field_and_writes_nothing(
    as_user, overrides: dict[str, Any], field: str, subfield: str | None
) -> None:
    response = as_user("desk").post("/api/v1/dossiers", intake_body(**overrides), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert field in body, body
    if subfield is not None:
        assert subfield in body[field], body
        assert isinstance(body[field][subfield][0], str)
    assert Dossier.objects.count() == 0
    assert DossierEvent.objects.count() == 0
    assert DossierCounter.objects.filter(last__gt=0).count() == 0


STRANGE_BODIES: list[Any] = [
    {"procedure": "x" * 100_000, "unit": COMMUNE, "applicant": APPLICANT},
    {"procedure": ["2.000001"], "unit": {"a": 1}, "applicant": APPLICANT},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": {**APPLICANT, "name": "A" * 10_000}},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": {**APPLICANT, "name": ["x"]}},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": {**APPLICANT, "name": "a\x00b"}},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": {**APPLICANT, "kind": 7}},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": None},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "summary": {"a": 1}},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "documents": "Đơn"},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "documents": [{}, None]},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "documents": [{"a": []}]},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "documents": [99, -1]},
    {"procedure": "2.000001", "unit": COMMUNE, "applicant": APPLICANT, "case": 3},
    [1, 2, 3],
    "just a string",
    None,
]


@pytest.mark.parametrize("body", STRANGE_BODIES)
def test_strange_intake_input_is_400_never_500(as_user, body: Any) -> None:
    response = as_user("desk").post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert Dossier.objects.count() == 0


def test_non_json_and_broken_json_bodies_are_400(as_user) -> None:
    client = as_user("desk")
    for payload, content_type in [
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"procedure=2.000001&unit=x", "text/plain"),
    ]:
        response = client.generic("POST", "/api/v1/dossiers", payload, content_type=content_type)
        assert response.status_code in {400, 415}, response.content
        assert "detail" in response.json()
    d = create(client)
    response = client.generic(
        "POST", f"/api/v1/dossiers/{d['code']}/forward", b"[", content_type="application/json"
    )
    assert response.status_code == 400


# ---------------------------------------------------------------------------- reads


@pytest.mark.parametrize("read_up_to", [0, 2000])
def test_a_name_search_finds_the_same_by_reading_or_through_the_index(
    province: Province, as_user, monkeypatch: pytest.MonkeyPatch, read_up_to: int
) -> None:
    """A desk of a small unit is searched by reading its dossiers, a larger one through the
    trigram index (``selectors.names_by_reading``): the same names match either way."""
    from motcua.dossiers import selectors

    monkeypatch.setattr(selectors, "NAMES_READ_UP_TO", read_up_to)
    desk = as_user("desk")
    dao = create(desk, applicant={**APPLICANT, "name": "Trần Thị Đào"})
    an = create(desk, applicant={**APPLICANT, "name": "Nguyễn Văn An"})
    create(
        as_user("desk2"), unit="000.01.02.T01", procedure="1.001193", documents=[],
        applicant={**APPLICANT, "name": "Trần Thị Đào"},
    )  # fmt: skip

    def codes(query: str) -> set[str]:
        response = desk.get("/api/v1/dossiers", {"search": query})
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes("thi dao") == {dao["code"]}  # not the other commune's Trần Thị Đào
    assert codes("TRẦN") == {dao["code"]}
    assert codes("van a") == {an["code"]}
    assert codes("n") == {dao["code"], an["code"]}
    assert codes("an van") == set()  # the words as typed, in their order


def test_list_filters_and_pagination(province: Province, as_user) -> None:
    desk = as_user("desk")
    a = create(desk)
    b = create(
        desk, procedure="1.001193", applicant={**APPLICANT, "name": "Trần Thị Đào"}, documents=[]
    )
    c = create(desk)
    c = act(desk, c, "forward")
    leader = as_user("province_leader")

    def codes(client: APIClient, query: str) -> set[str]:
        response = client.get(f"/api/v1/dossiers?{query}")
        assert response.status_code == 200, response.content
        return {row["code"] for row in response.json()["results"]}

    assert codes(desk, "") == {a["code"], b["code"], c["code"]}
    assert codes(desk, "status=processing") == {c["code"]}
    assert codes(desk, "status=received,processing") == {a["code"], b["code"], c["code"]}
    assert codes(desk, "procedure=1.001193") == {b["code"]}
    assert codes(leader, f"unit={COMMUNE}") == {a["code"], b["code"], c["code"]}
    assert codes(leader, f"unit={DEPARTMENT}") == set()
    # Folded search: no accents, đ as d, any case; or a part of the code.
    assert codes(desk, "search=tran thi dao") == {b["code"]}
    assert codes(desk, "search=TRẦN THỊ ĐÀO") == {b["code"]}
    assert codes(desk, f"search={a['code']}") == {a["code"]}
    assert codes(desk, f"search={a['code'][-6:]}") == {a["code"]}
    assert codes(as_user("desk2"), "") == set()
    assert desk.get("/api/v1/dossiers?status=lost").status_code == 400

    # Overdue: received or processing with a due time already past.
    Dossier.objects.filter(code=a["code"]).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert codes(desk, "overdue=true") == {a["code"]}
    assert codes(desk, "overdue=false") == {b["code"], c["code"]}

    page = desk.get("/api/v1/dossiers?page_size=2").json()
    assert set(page) == {"count", "next", "previous", "results"}
    assert page["count"] == 3 and len(page["results"]) == 2 and page["previous"] is None
    second = desk.get(page["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    # Newest first.
    assert page["results"][0]["code"] == c["code"]


def _list_queries(client: APIClient) -> int:
    client.get("/api/v1/dossiers")  # the token's last use is written at most once a minute
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/dossiers?page_size=50")
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("username", ["desk", "province_leader", "citizen"])
def test_list_queries_do_not_grow_with_the_page(province: Province, as_user, username: str) -> None:
    client = as_user(username)
    desk = province.users["desk"]
    procedure = province.procedure("2.000001")

    def add(n: int) -> None:
        for _ in range(n):
            d, _ = s.dossier_intake(
                actor=province.users["citizen"] if username == "citizen" else desk,
                procedure=procedure,
                unit=province.commune,
                channel="online" if username == "citizen" else "counter",
                applicant=APPLICANT,
            )
            if username != "citizen":
                s.dossier_forward(dossier=d, actor=desk, assignee="specialist")

    add(3)
    small = _list_queries(client)
    add(27)
    assert client.get("/api/v1/dossiers?page_size=50").json()["count"] == 30
    assert _list_queries(client) == small


def test_detail_and_history_chain(as_user) -> None:
    desk = as_user("desk")
    d = create(desk)
    d = act(desk, d, "forward", note="Chuyển thẩm định")
    d = act(as_user("specialist"), d, "request-supplement", items=["Bản vẽ"])
    detail = desk.get(f"/api/v1/dossiers/{d['code']}").json()
    assert detail == d | {"allowed_actions": detail["allowed_actions"]}
    assert detail["status"] == "supplement_requested" and detail["version"] == 3

    history = desk.get(f"/api/v1/dossiers/{d['code']}/history").json()
    assert [e["action"] for e in history] == ["intake", "forward", "request-supplement"]
    assert [e["seq"] for e in history] == [1, 2, 3]
    assert history[0]["prev_hash"] == "0" * 64
    for before, after in itertools.pairwise(history):
        assert after["prev_hash"] == before["hash"]
    assert history[1]["actor"] == "desk" and history[1]["note"] == "Chuyển thẩm định"
    assert history[1]["from_status"] == "received" and history[1]["to_status"] == "processing"
    assert history[2]["data"]["items"] == ["Bản vẽ"]
    for key in ("seq", "action", "actor", "at", "from_status", "to_status", "note"):
        assert key in history[0]


# ---------------------------------------------------------------------------- actions


def test_every_action_endpoint_walks_the_lifecycle(as_user) -> None:
    desk, spec, lead = as_user("desk"), as_user("specialist"), as_user("leader")
    dept_spec, citizen = as_user("dept_specialist"), as_user("citizen")

    # Online: supplement during reception, then acceptance.
    d = create(citizen, channel="online")
    d = act(desk, d, "request-supplement", items=["Bản sao CCCD"])
    assert d["status"] == "supplement_requested"
    d = act(citizen, d, "supplement", note="Đã bổ sung")
    assert d["status"] == "submitted" and d["due_at"] is None
    d = act(desk, d, "accept")
    assert d["status"] == "received" and d["received_at"] and d["due_at"]
    # Processing: forward with an assignee, assign, supplement during processing.
    d = act(desk, d, "forward", assignee="specialist2")
    assert d["step"]["index"] == 0 and d["assignee"] == "specialist2"
    d = act(lead, d, "assign", assignee="specialist")
    assert d["assignee"] == "specialist"
    # A second supplement request on the same dossier is a leader's (CONTRACT.md §2).
    denied = act(spec, d, "request-supplement", expect=403, items=["Bản vẽ"])
    assert "request-supplement" not in denied["allowed_actions"]
    d = act(lead, d, "request-supplement", items=["Bản vẽ"])
    d = act(citizen, d, "supplement")
    assert d["status"] == "processing" and d["step"]["index"] == 0
    d = act(spec, d, "forward")
    assert d["step"] == {
        "index": 1,
        "name": "Sở thẩm định",
        "role": "specialist",
        "unit": DEPARTMENT,
    }
    d = act(dept_spec, d, "send-back", note="Thiếu hồ sơ")
    assert d["step"]["index"] == 0
    d = act(spec, d, "forward")
    # Payment pauses the clock, confirmation resumes it.
    d = act(dept_spec, d, "request-payment", amount=75000)
    assert d["status"] == "awaiting_payment" and d["fee"]["state"] == "requested"
    d = act(citizen, d, "confirm-payment", reference="BL-1")
    assert d["status"] == "processing" and d["fee"]["state"] == "paid"
    new_due = (dt.datetime.fromisoformat(d["due_at"]) + dt.timedelta(days=10)).isoformat()
    d = act(lead, d, "extend", extended_due_at=new_due, reason="Cần xác minh")
    assert dt.datetime.fromisoformat(d["extended_due_at"]) == dt.datetime.fromisoformat(new_due)
    d = act(dept_spec, d, "forward")
    d = act(lead, d, "resolve", outcome="granted")
    assert d["status"] == "resolved" and d["timeliness"] in {"early", "on_time"}
    d = act(desk, d, "return", method="post")
    assert d["status"] == "returned" and d["return_method"] == "post" and d["returned_at"]
    assert d["allowed_actions"] == []

    history = desk.get(f"/api/v1/dossiers/{d['code']}/history").json()
    assert [e["action"] for e in history] == [
        "intake",
        "request-supplement",
        "supplement",
        "accept",
        "forward",
        "assign",
        "request-supplement",
        "supplement",
        "forward",
        "send-back",
        "forward",
        "request-payment",
        "confirm-payment",
        "extend",
        "forward",
        "resolve",
        "return",
    ]
    assert d["version"] == len(history)


def test_refuse_stop_withdraw_and_send_back_to_the_desk(as_user) -> None:
    desk, lead, citizen = as_user("desk"), as_user("leader"), as_user("citizen")
    online = create(citizen, channel="online")
    act(desk, online, "refuse", expect=400)
    refused = act(desk, online, "refuse", reason="Không thuộc thẩm quyền")
    assert refused["status"] == "refused" and refused["national_status"] == 3

    stopped = act(lead, create(desk), "stop", reason="Người nộp đề nghị dừng")
    assert stopped["status"] == "stopped"

    withdrawn = act(citizen, create(citizen, channel="online"), "withdraw")
    assert withdrawn["status"] == "withdrawn"

    d = act(desk, create(desk), "forward")
    d = act(as_user("specialist"), d, "send-back")
    assert d["status"] == "received" and d["step"] is None
    resolved_failure = act(as_user("specialist"), d, "resolve", expect=409)
    assert "allowed_actions" in resolved_failure


def test_action_inputs_are_checked(as_user) -> None:
    desk, spec, lead = as_user("desk"), as_user("specialist"), as_user("leader")
    d = act(desk, create(desk), "forward")
    assert "items" in act(spec, d, "request-supplement", expect=400)
    assert "items" in act(spec, d, "request-supplement", expect=400, items="Bản vẽ")
    assert "amount" in act(spec, d, "request-payment", expect=400, amount=0)
    assert "amount" in act(spec, d, "request-payment", expect=400, amount="nhiều")
    assert "extended_due_at" in act(lead, d, "extend", expect=400, reason="x")
    assert "extended_due_at" in act(
        lead, d, "extend", expect=400, reason="x", extended_due_at="ngày mai"
    )
    assert "version" in act(desk, d, "withdraw", expect=400, version=None)
    assert "version" in act(desk, d, "withdraw", expect=400, version="một")
    assert "assignee" in act(lead, d, "assign", expect=400, assignee="desk")
    assert Dossier.objects.get(code=d["code"]).version == d["version"]


def test_stale_version_is_409_and_names_the_allowed_actions(as_user) -> None:
    desk = as_user("desk")
    d = create(desk)
    act(desk, d, "forward")
    body = act(as_user("leader"), d, "stop", expect=409, reason="x")
    assert body["detail"] and body["current_version"] == 2
    assert "stop" in body["allowed_actions"]


def test_action_not_allowed_in_the_status_is_409(as_user) -> None:
    desk = as_user("desk")
    d = create(desk)
    body = act(desk, d, "accept", expect=409)
    assert body["allowed_actions"] == [
        "request-supplement",
        "forward",
        "stop",
        "withdraw",
    ]
    assert "return" not in body["allowed_actions"]


def test_role_that_may_not_act_is_403(as_user) -> None:
    desk = as_user("desk")
    d = create(desk)
    body = act(desk, d, "stop", expect=403, reason="x")
    assert "allowed_actions" in body
    act(as_user("specialist"), d, "forward", expect=403)
    act(as_user("unit_admin"), d, "withdraw", expect=403)
    assert Dossier.objects.get(code=d["code"]).version == 1


def test_dossiers_outside_scope_are_404(province: Province, as_user) -> None:
    commune_dossier = create(as_user("desk"))
    department_dossier = create(
        as_user("dept_desk"), procedure="1.009972", unit=DEPARTMENT, documents=[]
    )
    own = create(as_user("citizen"), channel="online")

    def status_of(username: str, code: str, suffix: str = "") -> int:
        return int(as_user(username).get(f"/api/v1/dossiers/{code}{suffix}").status_code)

    for suffix in ("", "/history", "/attachments"):
        assert status_of("desk2", commune_dossier["code"], suffix) == 404
        assert status_of("desk", department_dossier["code"], suffix) == 404
        assert status_of("citizen2", own["code"], suffix) == 404
        assert status_of("citizen", commune_dossier["code"], suffix) == 404
        assert status_of("citizen", own["code"], suffix) == 200
        assert status_of("province_leader", department_dossier["code"], suffix) == 200
    assert status_of("desk", "KHONG-CO") == 404
    assert status_of("desk", "a%00b") == 404
    # Acting on a dossier you cannot see is 404 too, not 403.
    response = as_user("desk2").post(
        f"/api/v1/dossiers/{commune_dossier['code']}/withdraw", {"version": 1}, format="json"
    )
    assert response.status_code == 404


def test_strange_query_parameters_are_never_500(as_user) -> None:
    desk = as_user("desk")
    create(desk)
    for query in (
        "search=" + "ạ" * 5000,
        "search=%00",
        "unit=%00",
        "procedure=" + "x" * 5000,
        "overdue=maybe",
        "page=abc",
        "page=999",
        "page_size=-1",
        "status=,,,",
    ):
        response = desk.get(f"/api/v1/dossiers?{query}")
        assert response.status_code in {200, 400, 404}, (query, response.status_code)
        assert isinstance(response.json(), dict)


def test_openapi_schema_documents_the_dossier(as_user) -> None:
    schema = APIClient().get("/api/v1/schema?format=json").json()
    dossier = schema["components"]["schemas"]["Dossier"]["properties"]
    for name in ("code", "status", "due_at", "timeliness", "version", "allowed_actions"):
        assert name in dossier
    forward = schema["paths"]["/api/v1/dossiers/{code}/forward"]["post"]
    assert {"200", "403", "409"} <= set(forward["responses"])
    assert "examples" in forward["requestBody"]["content"]["application/json"]
    create_op = schema["paths"]["/api/v1/dossiers"]["post"]
    assert "examples" in create_op["requestBody"]["content"]["application/json"]
