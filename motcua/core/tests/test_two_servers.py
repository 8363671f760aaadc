"""Several app servers (issue 17, item 3): two ``motcua serve`` processes behind nginx on one
database and one data dir. An officer signs in once and keeps working whichever server
answers; a file uploaded through one is read through the other; the public lookup's lock
after five wrong phone digits holds across both. Nothing lives in one server's memory."""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import json
import os
import re
import shutil
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.tests.conftest import APPLICANT, PASSWORD
from motcua.dossiers.tests.files import pdf_bytes
from motcua.dossiers.tests.test_live_server import (
    COMMUNE,
    Site,
    _prepare,
    free_port,
    request,
    wait_until,
)

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _nginx_conf(folder: Path, port: int, upstreams: list[int]) -> Path:
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in upstreams)
    user = "user root root;\n" if os.geteuid() == 0 else ""  # workers must reach the folder
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    client_max_body_size 25m;
    upstream motcua {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://motcua;
            proxy_set_header Host 127.0.0.1;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto http;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


@contextlib.contextmanager
def _nginx(folder: Path, upstreams: list[int]) -> Iterator[str]:
    assert NGINX is not None
    folder.mkdir()
    port = free_port()
    conf = _nginx_conf(folder, port, upstreams)
    check = subprocess.run(
        [NGINX, "-t", "-c", str(conf), "-p", str(folder)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            raise AssertionError((folder / "error.log").read_text())
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    try:
        wait_until(up, timeout=30, what="nginx to answer")
        yield base
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful stop
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class Browser:
    """A person's browser: cookies kept, redirects followed, the answering server noted."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.upstreams: set[str] = set()

    def go(self, method: str, path: str, data: dict[str, str] | None = None, **headers: str):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
            req.add_header("Referer", self.base + path)
        for name, value in headers.items():
            req.add_header(name.replace("_", "-"), value)
        try:
            response = self.opener.open(req, timeout=60)
        except urllib.error.HTTPError as exc:
            response = exc
        self.upstreams.add(response.headers.get("X-Upstream", ""))
        return response.status, response.read().decode("utf-8", "replace")

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")


def _api(base: str, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any, str]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, json.loads(response.read()), response.headers["X-Upstream"]
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null"), exc.headers.get("X-Upstream", "")


def _upload(base: str, code: str, token: str, content: bytes) -> tuple[int, Any]:
    boundary = "motcua-two-servers"
    body = io.BytesIO()
    for name, value in (("kind", "document"), ("document_index", "0")):
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="don.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(
        f"{base}/api/v1/dossiers/{code}/attachments", data=body.getvalue(), method="POST"
    )
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx-light)")
def test_two_app_servers_behind_nginx_share_everything(tmp_path: Path) -> None:
    prepared = _prepare(tmp_path, "two")
    first = next(prepared)
    first.env["MOTCUA_TRUSTED_PROXIES"] = "127.0.0.1"
    first.env["MOTCUA_LOOKUP_RATE"] = "1000/min"
    first.kill(signal.SIGTERM)
    first.start()  # again, now trusting the proxy in front
    second = Site(data_dir=first.data_dir, env=first.env, port=free_port())
    try:
        second.start()
        with _nginx(tmp_path / "nginx", [first.port, second.port]) as base:
            _walk(base, first)
    finally:
        second.kill(signal.SIGTERM)
        with pytest.raises(StopIteration):
            next(prepared)


def _walk(base: str, site: Site) -> None:
    both = {f"127.0.0.1:{site.port}"}
    # An officer signs in once; every later page, from either server, knows them.
    officer = Browser(base)
    status, _ = officer.go("GET", "/can-bo/dang-nhap/")
    assert status == 200
    status, page = officer.go(
        "POST",
        "/can-bo/dang-nhap/",
        {"username": "desk", "password": PASSWORD, "csrfmiddlewaretoken": officer.csrf()},
    )
    assert status == 200, page[-500:]
    for _ in range(6):
        status, page = officer.go("GET", "/can-bo/")
        assert status == 200
        assert 'name="password"' not in page  # still signed in, never sent back to sign in
    assert len(officer.upstreams - {""}) == 2, officer.upstreams
    both = officer.upstreams

    # A dossier taken in through one server, its file uploaded through it, is read through
    # the other: the database and the files are shared.
    req = urllib.request.Request(
        base + "/api/v1/auth/token",
        data=json.dumps({"username": "desk", "password": PASSWORD}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=60) as response:
        bearer = json.loads(response.read())["token"]
    status, dossier, _ = _api(
        base,
        "POST",
        "/api/v1/dossiers",
        bearer,
        {
            "procedure": "2.000001",
            "unit": COMMUNE,
            "channel": "counter",
            "applicant": APPLICANT,
            "summary": "Hồ sơ qua hai máy chủ",
        },
    )
    assert status == 201, dossier
    code = dossier["code"]
    content = pdf_bytes("Đơn qua hai máy chủ")
    status, attachment = _upload(base, code, bearer, content)
    assert status == 201, attachment
    served: dict[str, bytes] = {}
    for _ in range(6):
        req = urllib.request.Request(
            f"{base}/api/v1/dossiers/{code}/attachments/{attachment['id']}",
            headers={"Authorization": f"Bearer {bearer}"},
        )
        with urllib.request.urlopen(req, timeout=60) as response:
            served[response.headers["X-Upstream"]] = response.read()
    assert set(served) == both
    assert all(body == content for body in served.values())
    status, page = officer.go("GET", f"/can-bo/ho-so/{code}/")
    assert status == 200 and code in page

    # A citizen follows the dossier from home; five wrong phone digits lock the check for
    # that dossier on every server, the right digits included.
    citizen = Browser(base)
    digits = re.sub(r"\D", "", APPLICANT["phone"])[-4:]
    wrong = "0000" if digits != "0000" else "1111"
    status, page = citizen.go("GET", "/tra-cuu/?" + urllib.parse.urlencode({"code": code}))
    assert status == 200 and code in page
    for _ in range(5):
        citizen.go("GET", "/tra-cuu/?" + urllib.parse.urlencode({"code": code, "verify": wrong}))
    assert len(citizen.upstreams - {""}) == 2
    for _ in range(2):  # whichever server answers
        status, _ = citizen.go(
            "GET", "/tra-cuu/?" + urllib.parse.urlencode({"code": code, "verify": digits})
        )
        assert status == 429
    # The history written through both servers is one intact chain.
    verify = site.motcua("verify-history")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert request(site, "GET", f"/api/v1/dossiers/{code}/history", None, "desk")[0] == 200
