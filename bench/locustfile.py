"""A province's working day for locust (issue 17): citizens on the public portal, one-stop
desk officers in the workspace, leaders on the statistics, and the bare Django view as the
baseline, all against the same real server in the same run.

Run by ``bench/bench_load.py``, which seeds the site, starts ``motcua serve`` and writes the
sample data this file reads (``MOTCUA_LOAD_DATA``: dossier codes with their phone digits,
the officers' accounts and units, procedure codes). By hand::

    MOTCUA_LOAD_DATA=data.json locust -f bench/locustfile.py --headless -H http://127.0.0.1:PORT

Weights (documented in bench/README.md too). Users: one leader and one baseline user
(``fixed_count``), the others citizens and desk officers 3 : 1 (class weights 12 and 4) —
with 8 users: 1, 1, 5 citizens, 1 desk officer; with 24: 1, 1, 16 or 17, 5 or 6. Within a
class, each task is picked with its weight (``@task(n)``), so the share of a route in a
class is its weight over the class's total:

- citizen (total 100): lookup by code + 4 phone digits 30, procedure catalogue 15,
  catalogue search 10, procedure page 20, portal home 10, public statistics 10,
  lookup by code only 5;
- desk officer (total 100): workspace home 8, inbox list (online, to accept) 12, list by
  status (received) 8, overdue list 8, search by applicant name 8, search by code 8,
  dossier page 20, counter intake (form + submit) 12, forward a received dossier 10,
  accept an online dossier 6;
- leader (total 10): workspace home 2, dashboard (this year) 4, dashboard (last year by
  field) 2, report export (units, xlsx) 2;
- baseline: one task, ``GET /bench/bare``, paced at ``MOTCUA_LOAD_BARE_RATE`` requests per
  second (default 5) so that it probes the server without taking its capacity; run alone
  (``locust … Baseline``, the first phase of bench_load.py) it is not paced.

Think time is ``MOTCUA_LOAD_WAIT`` seconds (default 0: every user is a client that sends
its next request as soon as the last one answered, so the run measures the server's
capacity, not a day's arrival rate — docs/sizing.md turns one into the other).

The public lookup is rate-limited per client address (CONTRACT §2). The server trusts
127.0.0.1 as a proxy (``MOTCUA_TRUSTED_PROXIES``, as behind nginx) and each lookup comes
with its own ``X-Forwarded-For`` address, as many citizens would: the limit stays on and
no citizen is over it.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, constant_throughput, events, task

DATA: dict[str, Any] = json.loads(Path(os.environ["MOTCUA_LOAD_DATA"]).read_text(encoding="utf-8"))
WAIT = float(os.environ.get("MOTCUA_LOAD_WAIT", "0") or 0)
# The baseline user's requests per second in the mix, paced so that the probe takes little
# of the server from the mix; unpaced when locust runs the ``Baseline`` class alone.
BARE_RATE = (
    0.0 if sys.argv[-1:] == ["Baseline"] else float(os.environ.get("MOTCUA_LOAD_BARE_RATE", "5"))
)
PASSWORD = DATA["password"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
ROW_CODE = re.compile(r'href="/can-bo/ho-so/([^/"]+)/"')
CATALOGUE_WORDS = ["hộ tịch", "xây dựng", "chứng thực", "dat dai", "giáo dục", "kinh doanh"]
NAME_WORDS = ["Nguyễn Văn An", "Trần Văn Minh", "le van lan", "Phạm Văn", "Hoàng Văn Hà"]
STATUS_5XX: Counter[str] = Counter()
FIRST_5XX: dict[str, str] = {}
SEATS = itertools.count()


def _think() -> Any:
    return constant(0) if WAIT <= 0 else between(WAIT / 2, WAIT * 1.5)


@events.request.add_listener
def _count_5xx(name: str, response: Any, **_kw: Any) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500:
        STATUS_5XX[name] += 1
        FIRST_5XX.setdefault(name, getattr(response, "url", "") or "")


@events.quitting.add_listener
def _write_5xx(environment: Any, **_kw: Any) -> None:
    path = os.environ.get("MOTCUA_LOAD_5XX")
    if path:
        report = {"counts": STATUS_5XX, "first": FIRST_5XX}
        Path(path).write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def _ip() -> str:
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


class Citizen(HttpUser):
    """Someone on the public portal: finds a procedure, looks a dossier up."""

    weight = 12
    wait_time = _think()

    @task(30)
    def lookup_verified(self) -> None:
        code, digits = random.choice(DATA["lookups"])
        self.client.get(
            "/tra-cuu/",
            params={"code": code, "verify": digits},
            headers={"X-Forwarded-For": _ip()},
            name="citizen: lookup code + phone digits",
        )

    @task(5)
    def lookup_code(self) -> None:
        code, _digits = random.choice(DATA["lookups"])
        self.client.get(
            "/tra-cuu/",
            params={"code": code},
            headers={"X-Forwarded-For": _ip()},
            name="citizen: lookup code only",
        )

    @task(15)
    def catalogue(self) -> None:
        self.client.get("/thu-tuc/", name="citizen: procedure catalogue")

    @task(10)
    def catalogue_search(self) -> None:
        self.client.get(
            "/thu-tuc/",
            params={"q": random.choice(CATALOGUE_WORDS)},
            name="citizen: catalogue search",
        )

    @task(20)
    def procedure(self) -> None:
        code = random.choice(DATA["procedures"])
        self.client.get(f"/thu-tuc/{code}/", name="citizen: procedure page")

    @task(10)
    def home(self) -> None:
        self.client.get("/", name="citizen: portal home")

    @task(10)
    def statistics(self) -> None:
        self.client.get("/cong-khai/", name="citizen: public statistics")


class Officer(HttpUser):
    """Signs in through the workspace's login form (CSRF token from the form)."""

    abstract = True
    account: dict[str, Any]

    def login(self, accounts: list[dict[str, Any]]) -> None:
        self.account = accounts[next(SEATS) % len(accounts)]
        page = self.client.get("/can-bo/dang-nhap/", name="officer: sign-in form")
        token = CSRF.search(page.text)
        with self.client.post(
            "/can-bo/dang-nhap/",
            data={
                "csrfmiddlewaretoken": token.group(1) if token else "",
                "username": self.account["username"],
                "password": PASSWORD,
                "next": "/can-bo/",
            },
            allow_redirects=False,
            name="officer: sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {self.account['username']}: {response.status_code}")

    def csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else ""

    def act(self, code: str, action: str, name: str, extra: dict[str, str] | None = None) -> bool:
        page = self.client.get(f"/can-bo/ho-so/{code}/", name="desk: dossier page")
        version = VERSION.search(page.text)
        if page.status_code != 200 or version is None:
            return False
        with self.client.post(
            f"/can-bo/ho-so/{code}/thao-tac/{action}/",
            data={"csrfmiddlewaretoken": self.csrf(page.text), "version": version.group(1)}
            | (extra or {}),
            allow_redirects=False,
            name=name,
            catch_response=True,
        ) as response:
            # 409: another desk user acted first on the same dossier (a real conflict).
            if response.status_code in (302, 409):
                response.success()
                return response.status_code == 302
            response.failure(f"{action} {code}: {response.status_code}")
            return False


class DeskOfficer(Officer):
    """A one-stop desk officer of a commune: lists, searches, dossier pages, counter intake,
    forwarding what they received, accepting online dossiers."""

    weight = 4
    wait_time = _think()

    def on_start(self) -> None:
        self.login(DATA["desks"])
        self.received: list[str] = []

    @task(8)
    def home(self) -> None:
        self.client.get("/can-bo/", name="desk: workspace home")

    @task(12)
    def inbox(self) -> None:
        self.client.get("/can-bo/ho-so/?list=inbox", name="desk: inbox list (online)")

    @task(8)
    def by_status(self) -> None:
        self.client.get("/can-bo/ho-so/?list=received", name="desk: list by status (received)")

    @task(8)
    def overdue(self) -> None:
        self.client.get("/can-bo/ho-so/?list=overdue", name="desk: overdue list")

    @task(8)
    def search_name(self) -> None:
        self.client.get(
            "/can-bo/ho-so/",
            params={"list": "all", "q": random.choice(NAME_WORDS)},
            name="desk: search by name",
        )

    @task(8)
    def search_code(self) -> None:
        self.client.get(
            "/can-bo/ho-so/",
            params={"list": "all", "q": random.choice(self.account["codes"])},
            name="desk: search by code",
        )

    @task(20)
    def dossier(self) -> None:
        code = random.choice(self.account["codes"])
        self.client.get(f"/can-bo/ho-so/{code}/", name="desk: dossier page")

    @task(12)
    def intake(self) -> None:
        procedure = random.choice(self.account["procedures"])
        unit = self.account["unit"]
        form = self.client.get(
            f"/can-bo/tiep-nhan/{procedure}/?unit={unit}", name="desk: intake form"
        )
        if form.status_code != 200:
            return
        key = re.search(r'name="idempotency_key" value="([^"]*)"', form.text)
        n = random.randrange(10**6)
        with self.client.post(
            f"/can-bo/tiep-nhan/{procedure}/",
            data={
                "csrfmiddlewaretoken": self.csrf(form.text),
                "unit": unit,
                "idempotency_key": key.group(1) if key else "",
                "kind": "citizen",
                "name": f"Nguyễn Thị Tải {n}",
                "id_number": f"001{n:09d}",
                "phone": f"0912{n:06d}",
                "email": "",
                "address": "Số 1, đường Thử",
                "summary": "Hồ sơ của bài đo tải",
                "documents": "0",
                "count-0": "1",
                "digitised_marked": "1",
                "channel": "counter",
            },
            allow_redirects=False,
            name="desk: counter intake (submit)",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            found = re.search(r"/can-bo/ho-so/([^/]+)/", location)
            if response.status_code == 302 and found:
                self.received.append(found.group(1))
            else:
                response.failure(f"intake {procedure}: {response.status_code}")

    @task(10)
    def forward(self) -> None:
        if self.received:
            self.act(self.received.pop(), "forward", "desk: forward (action)")
        else:
            self.by_status()

    @task(6)
    def accept(self) -> None:
        page = self.client.get("/can-bo/ho-so/?list=inbox", name="desk: inbox list (online)")
        codes = ROW_CODE.findall(page.text)
        if codes:
            self.act(random.choice(codes[:5]), "accept", "desk: accept (action)")


class Leader(Officer):
    """The province's leader: workspace home, the statistics dashboard, a report export."""

    fixed_count = 1
    wait_time = _think()

    def on_start(self) -> None:
        self.login(DATA["leaders"])

    @task(2)
    def home(self) -> None:
        self.client.get("/can-bo/", name="leader: workspace home")

    @task(4)
    def dashboard(self) -> None:
        self.client.get("/can-bo/thong-ke/", name="leader: dashboard (this year)")

    @task(2)
    def dashboard_last_year(self) -> None:
        year = DATA["last_year"]
        self.client.get(
            "/can-bo/thong-ke/",
            params={"from": f"{year}-01-01", "to": f"{year}-12-31", "group_by": "field"},
            name="leader: dashboard (last year)",
        )

    @task(2)
    def export(self) -> None:
        year = DATA["last_year"]
        self.client.get(
            "/can-bo/thong-ke/xuat/units.xlsx",
            params={"from": f"{year}-01-01", "to": f"{year}-12-31"},
            name="leader: report export (xlsx)",
        )


class Baseline(HttpUser):
    """The bare Django JSON view of the benchmark's own urlconf, on the same server."""

    fixed_count = 1
    wait_time = constant_throughput(BARE_RATE) if BARE_RATE > 0 else constant(0)

    @task
    def bare(self) -> None:
        self.client.get("/bench/bare", name="baseline: bare Django view")
