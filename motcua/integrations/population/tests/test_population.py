"""The population database at the counter: the desk's lookup pre-fills intake, every query
is audited without the ID number in plain text, each officer is rate-limited, a gateway that
is down or slow gives a clear message while intake still works by hand, and the HTTP adapter
speaks to a stand-in of the province's gateway started by the test."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from motcua.core.crypto import blind_index
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.conftest import Province, province
from motcua.integrations.dvcqg.indicators import vneid_count
from motcua.integrations.population.models import Outcome, PopulationQuery
from motcua.integrations.population.sandbox import LABEL, sandbox_person

__all__ = ["province"]
ID = "079203001234"
URL = "/can-bo/dan-cu/tra-cuu/"
COMMUNE = "000.01.01.T01"


def signed_in(province: Province, name: str) -> Client:
    client = Client()
    client.force_login(province.users[name])
    return client


def ask(client: Client, **fields: str) -> Any:
    body = {"unit": COMMUNE, "id_number": ID, "reason": "Tiếp nhận hồ sơ khai sinh", **fields}
    return client.post(URL, body)


def test_sandbox_citizens_are_deterministic_and_labelled() -> None:
    first, again = sandbox_person(ID), sandbox_person(ID)
    assert first is not None and first == again
    assert first.date_of_birth.startswith("2003-")  # digit 4 "2": born 2000–2099, "03"
    assert sandbox_person("079203001000") is None  # "not in the register"
    assert LABEL == "DỮ LIỆU THỬ NGHIỆM"


def test_lookup_prefills_and_is_audited(province: Province, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    client = signed_in(province, "desk")
    page = client.get(f"/can-bo/tiep-nhan/1.001193/?unit={COMMUNE}")
    assert 'id="population-lookup"' in page.content.decode()

    response = ask(client, birth_year="2003")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    data = response.json()
    person = sandbox_person(ID)
    assert person is not None
    assert data["found"] and data["sandbox"] and data["label"] == "DỮ LIỆU THỬ NGHIỆM"
    assert data["person"] == {
        "id_number": ID,
        "name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "date_of_birth_display": "/".join(reversed(person.date_of_birth.split("-"))),
        "address": person.address,
    }
    row = PopulationQuery.objects.get()
    assert (row.officer, row.unit, row.reason) == (
        province.users["desk"],
        province.commune,
        "Tiếp nhận hồ sơ khai sinh",
    )
    assert row.id_hash == blind_index(ID) and row.outcome == Outcome.FOUND
    assert row.with_birth_year and not row.with_name
    stored = json.dumps(list(PopulationQuery.objects.values()), default=str, ensure_ascii=False)
    assert ID not in stored and person.full_name not in stored and person.address not in stored
    assert ID not in caplog.text

    # The officer saves the intake with the pre-filled data: the query names the dossier.
    saved = client.post(
        f"/can-bo/tiep-nhan/1.001193/?unit={COMMUNE}",
        {
            "unit": COMMUNE,
            "kind": "citizen",
            "name": person.full_name,
            "id_number": ID,
            "address": person.address,
            "channel": "counter",
            "documents": ["0", "1"],
            "population_query": str(data["query"]),
        },
    )
    assert saved.status_code == 302
    dossier = Dossier.objects.get()
    row.refresh_from_db()
    assert row.dossier_code == dossier.code
    # Indicator 4.5 counts a dossier whose applicant came from the population database.
    assert vneid_count(_scope(dossier)) == 1


def _scope(dossier: Dossier) -> Any:
    import datetime as dt

    from motcua.reports.national_indicators import Scope

    assert dossier.received_at is not None
    return Scope(
        unit_ids=None,
        field_id=None,
        procedure_id=None,
        start=dossier.received_at - dt.timedelta(days=1),
        end=dossier.received_at + dt.timedelta(days=1),
        date_from=dossier.received_at.date(),
        date_to=dossier.received_at.date(),
    )


def test_not_found_and_a_wrong_name_are_audited_too(province: Province) -> None:
    client = signed_in(province, "desk")
    missing = ask(client, id_number="079203001000").json()
    assert missing["found"] is False and "Không tìm thấy" in missing["detail"]
    assert ask(client, name="Người Khác Hẳn").json()["found"] is False
    assert list(PopulationQuery.objects.values_list("outcome", "with_name")) == [
        (Outcome.NOT_FOUND, True),
        (Outcome.NOT_FOUND, False),
    ]


def test_reason_is_required_and_bad_input_is_refused(province: Province) -> None:
    client = signed_in(province, "desk")
    response = ask(client, reason="  ", id_number="12ab", birth_year="99")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"reason", "id_number", "birth_year"}
    assert "lý do" in errors["reason"][0]
    assert not PopulationQuery.objects.exists()


def test_only_the_desk_may_look_up(province: Province) -> None:
    assert ask(signed_in(province, "specialist")).status_code == 403
    assert ask(signed_in(province, "desk2")).status_code == 403  # not at this unit
    assert Client().post(URL, {"id_number": ID}).status_code in {302, 403}
    assert not PopulationQuery.objects.exists()


def test_each_officer_is_rate_limited(province: Province, settings: Any) -> None:
    settings.MOTCUA_POPULATION_RATE = "2/h"
    client = signed_in(province, "desk")
    assert [ask(client).status_code for _ in range(2)] == [200, 200]
    limited = ask(client)
    assert limited.status_code == 429
    assert "quá số lần cho phép" in limited.json()["detail"]
    assert PopulationQuery.objects.count() == 2  # the refused one never reached the register
    # Another officer is not limited by the first one's queries.
    other = signed_in(province, "desk2")
    assert (
        other.post(URL, {"unit": "000.01.02.T01", "id_number": ID, "reason": "x"}).status_code
        == 200
    )


# --- The HTTP adapter and a stand-in of the province's gateway ----------------------------


@dataclass
class Gateway:
    url: str
    requests: list[dict[str, Any]] = field(default_factory=list)
    answer: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    hold: threading.Event | None = None  # set: the gateway "hangs" until released


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            state.requests.append(
                {
                    "body": json.loads(self.rfile.read(length)),
                    "authorization": self.headers.get("Authorization"),
                }
            )
            if state.hold is not None:
                state.hold.wait(timeout=10)  # bounded: released by the test
            payload = json.dumps(state.answer, ensure_ascii=False).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/dancu/tracuu"
    settings.MOTCUA_POPULATION_PROVIDER = "http"
    settings.MOTCUA_POPULATION_URL = state.url
    settings.MOTCUA_POPULATION_TOKEN = "gw-token"
    settings.MOTCUA_POPULATION_INTEGRATION_CODE = "H99-MOTCUA"
    settings.MOTCUA_POPULATION_TIMEOUT = 0.5
    try:
        yield state
    finally:
        if state.hold is not None:
            state.hold.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_http_adapter_asks_the_gateway_and_maps_its_answer(
    province: Province, gateway: Gateway
) -> None:
    gateway.answer = {
        "error_code": "00",
        "data": {
            "SoDinhDanh": ID,
            "HoVaTen": "Nguyễn  Thị Hoà",
            "NgaySinh": "17/05/1990",
            "NoiThuongTru": "12 Lê Lợi, phường Bến Thành",
        },
    }
    client = signed_in(province, "desk")
    data = ask(client, name="Nguyễn Thị Hoà", birth_year="1990").json()
    assert data["found"] and not data["sandbox"] and data["label"] == ""
    assert data["person"]["name"] == "Nguyễn Thị Hoà"
    assert data["person"]["date_of_birth"] == "1990-05-17"
    assert data["person"]["address"] == "12 Lê Lợi, phường Bến Thành"
    sent = gateway.requests[0]
    assert sent["authorization"] == "Bearer gw-token"
    assert sent["body"] == {
        "MaTichHop": "H99-MOTCUA",
        "MaCanBo": "desk",
        "MaHoSo": "",
        "LyDo": "Tiếp nhận hồ sơ khai sinh",
        "SoDinhDanh": ID,
        "HoVaTen": "Nguyễn Thị Hoà",
        "NamSinh": 1990,
    }
    assert PopulationQuery.objects.get().provider == "http"

    gateway.answer = {"error_code": "01", "message": "Không có dữ liệu"}
    assert ask(client).json()["found"] is False
    gateway.answer = {"error_code": "05", "message": "Sai mã tích hợp"}
    refused = ask(client)
    assert refused.status_code == 502 and "Sai mã tích hợp" in refused.json()["detail"]
    assert list(PopulationQuery.objects.order_by("id").values_list("outcome", flat=True)) == [
        Outcome.FOUND,
        Outcome.NOT_FOUND,
        Outcome.REFUSED,
    ]


def test_a_slow_or_broken_gateway_gives_a_clear_message_and_intake_works_by_hand(
    province: Province, gateway: Gateway
) -> None:
    client = signed_in(province, "desk")
    gateway.hold = threading.Event()
    slow = ask(client)
    gateway.hold.set()
    assert slow.status_code == 503
    assert "không phản hồi" in slow.json()["detail"] and "nhập thông tin" in slow.json()["detail"]

    gateway.hold = None
    gateway.status = 500
    assert ask(client).status_code == 503
    gateway.status = 200
    gateway.answer = {"error_code": "00", "data": "not an object"}
    assert ask(client).status_code == 503
    assert set(PopulationQuery.objects.values_list("outcome", flat=True)) == {Outcome.UNAVAILABLE}

    # The intake page still opens and saves what the officer types.
    page = client.get(f"/can-bo/tiep-nhan/1.001193/?unit={COMMUNE}")
    assert page.status_code == 200
    saved = client.post(
        f"/can-bo/tiep-nhan/1.001193/?unit={COMMUNE}",
        {"unit": COMMUNE, "name": "Lê Văn Tay", "id_number": ID, "channel": "counter",
         "documents": ["0", "1"]},
    )  # fmt: skip
    assert saved.status_code == 302
    assert Dossier.objects.get().applicant_name == "Lê Văn Tay"


def test_a_gateway_that_is_not_there_gives_a_clear_message(
    province: Province, settings: Any
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MOTCUA_POPULATION_PROVIDER = "http"
    settings.MOTCUA_POPULATION_URL = f"http://127.0.0.1:{port}/closed"
    response = ask(signed_in(province, "desk"))
    assert response.status_code == 503 and "không phản hồi" in response.json()["detail"]


def test_lookup_off_hides_the_button(province: Province, settings: Any) -> None:
    settings.MOTCUA_POPULATION_PROVIDER = ""
    client = signed_in(province, "desk")
    page = client.get(f"/can-bo/tiep-nhan/1.001193/?unit={COMMUNE}")
    assert page.status_code == 200 and 'id="population-lookup"' not in page.content.decode()
    assert ask(client).status_code == 404


def test_unit_admins_see_their_units_queries_in_the_admin(province: Province) -> None:
    from motcua.units.services import user_create_or_update

    ask(signed_in(province, "desk"))
    other = signed_in(province, "desk2")
    other.post(URL, {"unit": "000.01.02.T01", "id_number": ID, "reason": "Kiểm tra"})
    assert PopulationQuery.objects.count() == 2
    admin = Client()
    admin.force_login(province.users["unit_admin"])
    page = admin.get("/admin/population/populationquery/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tiếp nhận hồ sơ khai sinh" in html and "Kiểm tra" not in html
    root = user_create_or_update(username="root", password="Mat-khau-2025!", superuser=True)
    everything = Client()
    everything.force_login(root)
    html = everything.get("/admin/population/populationquery/").content.decode()
    assert "Kiểm tra" in html and ID not in html
