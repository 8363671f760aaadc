"""CỔNG DVCQG GIẢ LẬP — a stand-in of the national public service portal, for the tests
and the demo (``motcua national-sim``). It is NOT the national portal and talks to nobody.

It speaks the protocol of CONTRACT §8 and is strict where the real portal is known to be:
every field of a record present and of the right type, no unknown field, dates
``yyyyMMddHHmmss`` with a 24-hour clock, statuses 1–10 with the dates each status needs,
dossier codes of the configured province only, a valid session on every call. It can be
told to fail like the real one does (``POST /_sim/mode``):

- ``{"outage": "refuse"}``: every call gets HTTP 503; ``{"outage": "drop"}``: the
  connection is closed without an answer; ``{"outage": null}`` ends the outage;
- ``{"slow": 3.5}``: every answer waits that many seconds;
- ``{"error_code": "99"}``: every service call answers that code;
- ``POST /_sim/expire-sessions``: every session expires now (the next call gets "01").

What it holds is readable (``GET /_sim/state``, ``GET /_sim/dossiers/{MaHoSo}``) and
breakable (``POST /_sim/tamper``) so that reconciliation can be tested. ``PUT
/_sim/files/{name}`` stores a file it then serves at ``/files/{name}`` (the links of
dossiers submitted "on the portal"); ``POST /_sim/submit`` hands such a dossier to MotCua.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlparse

import httpx

LABEL = "CỔNG DVCQG GIẢ LẬP — stand-in for tests and demos, not the national portal"
DATE_RE = re.compile(r"^\d{14}$")
AGENCY = r"\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}"
PROCEDURE_RE = re.compile(r"^\d\.\d{6}(\.[0-9A-Za-z.]+)?$")

DOSSIER_KEYS = {
    "MaHoSo": "str", "MaTTHC": "str", "TenTTHC": "str", "MaDVC": "str", "MaLinhVuc": "str",
    "TenLinhVuc": "str", "KenhThucHien": "int", "ChuHoSo": "str", "LoaiDoiTuong": "int",
    "MaDoiTuong": "str", "DinhDanhCHS": "list", "SoDienThoai": "str", "Email": "str",
    "DiaChi": "str", "TrichYeuHoSo": "str", "NgayNopHoSo": "date", "NgayTiepNhan": "date?",
    "NgayHenTra": "date?", "TrangThaiHoSo": "int", "NgayTra": "date?", "HinhThuc": "int",
    "NgayKetThucXuLy": "date?", "NgayTuChoi": "date?", "NgayYeuCauBoSung": "date?",
    "DonViXuLy": "str", "HoSoCoThanhPhanSoHoa": "flag", "TaiKhoanDuocXacThucVoiVNeID": "flag",
    "DuocThanhToanTrucTuyen": "int", "TaiLieuNop": "list", "DanhSachLePhi": "list",
    "DanhSachHoSoBoSung": "list", "DanhSachGiayToKetQua": "list",
}  # fmt: skip
FILE_KEYS = {
    "TepDinhKemId": "str", "TenTepDinhKem": "str", "MaThanhPhanHoSo": "str",
    "DuongDanTaiTepTin": "url", "DuocSoHoa": "flag", "DuocTaiSuDung": "flag",
    "DuocLayTuKhoDMQG": "flag", "IsDeleted": "flag",
}  # fmt: skip
FEE_KEYS = {
    "TenPhiLePhi": "str", "MaPhiLePhi": "str", "HinhThucThu": "int", "Gia": "int",
    "LoaiPhiLePhi": "int",
}  # fmt: skip
SUPPLEMENT_KEYS = {
    "HoSoBoSungId": "str", "NguoiYeuCauBoSung": "str", "NoiDungBoSung": "str",
    "NgayBoSung": "date", "NgayTiepNhanBoSung": "date?", "TrangThaiBoSung": "int",
    "NgayHenTraTruoc": "date?", "NgayHenTraMoi": "date?",
}  # fmt: skip
RESULT_KEYS = {"TenGiayTo": "str", "MaGiayToKetQua": "str", "DuongDanTepTinKetQua": "url"}
STEP_KEYS = {
    "MaHoSo": "str", "NguoiXuLy": "str", "ChucDanh": "str", "ThoiDiemXuLy": "date",
    "PhongBanXuLy": "str", "NoiDungXuLy": "str", "TrangThai": "int", "NgayBatDau": "date",
    "NgayKetThucTheoQuyDinh": "date?",
}  # fmt: skip
# The dates a status needs (a collapsed or half-filled record is refused).
STATUS_NEEDS = {
    2: ["NgayTiepNhan", "NgayHenTra"],
    3: ["NgayTuChoi"],
    4: ["NgayTiepNhan", "NgayHenTra"],
    5: ["NgayYeuCauBoSung"],
    6: ["NgayTiepNhan", "NgayHenTra"],
    8: ["NgayTiepNhan", "NgayKetThucXuLy"],
    9: ["NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy"],
    10: ["NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"],
}


def _valid_date(value: Any) -> bool:
    if not isinstance(value, str) or not DATE_RE.match(value):
        return False
    try:
        dt.datetime.strptime(value, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return True


def check_fields(obj: Any, spec: dict[str, str], path: str) -> dict[str, str]:
    """Per-field errors of one object against ``spec`` (every key, nothing else)."""
    if not isinstance(obj, dict):
        return {path: "phải là một đối tượng"}
    errors: dict[str, str] = {}
    for key in sorted(set(obj) - set(spec)):
        errors[f"{path}{key}"] = "trường không có trong đặc tả"
    for key, kind in spec.items():
        name = f"{path}{key}"
        if key not in obj:
            errors[name] = "thiếu trường"
            continue
        value = obj[key]
        if kind == "str" and not isinstance(value, str):
            errors[name] = "phải là chuỗi"
        elif kind == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = "phải là số nguyên"
        elif kind == "flag" and value not in (0, 1):
            errors[name] = "phải là 0 hoặc 1"
        elif kind == "list" and not isinstance(value, list):
            errors[name] = "phải là danh sách"
        elif kind == "date" and not _valid_date(value):
            errors[name] = "ngày giờ phải dạng yyyyMMddHHmmss (24 giờ)"
        elif kind == "date?" and value != "" and not _valid_date(value):
            errors[name] = "ngày giờ phải dạng yyyyMMddHHmmss (24 giờ) hoặc rỗng"
        elif kind == "url" and not (
            isinstance(value, str) and value.startswith(("http://", "https://"))
        ):
            errors[name] = "phải là đường dẫn http(s)"
    return errors


class StandIn:
    """The portal's state and rules; ``serve()`` puts it on a loopback port."""

    def __init__(
        self,
        *,
        username: str = "motcua",
        password: str = "matkhau-dvcqg",
        agency: str = "000.00.00.H99",
        session_seconds: float = 1800,
    ) -> None:
        self.username = username
        self.password = password
        self.agency = agency
        self.session_seconds = session_seconds
        self.lock = threading.Lock()
        self.reset()
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        with getattr(self, "lock", threading.Lock()):
            self.sessions: dict[str, float] = {}
            self.dossiers: dict[str, dict[str, Any]] = {}
            self.ratings: list[dict[str, Any]] = []
            self.files: dict[str, tuple[bytes, str]] = {}
            self.calls: list[dict[str, Any]] = []
            self.logins = 0
            self.rejected: list[dict[str, Any]] = []
            self.outage: str | None = None
            self.slow = 0.0
            self.error_code: str | None = None

    def state(self) -> dict[str, Any]:
        with self.lock:
            return {
                "label": LABEL,
                "logins": self.logins,
                "calls": len(self.calls),
                "rejected": list(self.rejected),
                "dossiers": json.loads(json.dumps(self.dossiers)),
                "ratings": list(self.ratings),
                "mode": {"outage": self.outage, "slow": self.slow, "error_code": self.error_code},
            }

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    # ------------------------------------------------------------------ rules

    def login(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict) or set(body) != {"username", "password"}:
            return {"error_code": "02", "message": "Cần đúng hai trường username, password."}
        if body["username"] != self.username or body["password"] != self.password:
            return {"error_code": "03", "message": "Sai tài khoản hoặc mật khẩu."}
        token = secrets.token_hex(16)
        with self.lock:
            self.sessions[token] = time.monotonic() + self.session_seconds
            self.logins += 1
        return {"error_code": "00", "session": token}

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    def service(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            return {"error_code": "02", "message": "Nội dung phải là đối tượng JSON."}
        with self.lock:
            expiry = self.sessions.get(str(body.get("session", "")))
            if expiry is None or expiry < time.monotonic():
                self.sessions.pop(str(body.get("session", "")), None)
                return {"error_code": "01", "message": "Phiên làm việc đã hết hạn."}
            if self.error_code:
                return {"error_code": self.error_code, "message": "Lỗi giả lập theo yêu cầu."}
        if body.get("madonvi") != self.agency:
            return {"error_code": "02", "message": f"madonvi phải là {self.agency}."}
        service = body.get("service")
        data = body.get("data")
        if not isinstance(data, list) or not data:
            return {"error_code": "02", "message": "data phải là danh sách không rỗng."}
        handlers = {
            "DongBoHoSoMC": self._sync_dossiers,
            "CapNhatTienDoHoSoMC": self._sync_steps,
            "TraCuuHoSo": self._lookup,
            "DongBoDanhGia": self._ratings,
            "LayThuTuc": self._catalogue,
            "LayDanhSachTTHC": self._catalogue,
            "LayDanhMucCoQuan": self._catalogue,
            "LayDanhMucLinhVuc": self._catalogue,
        }
        handler = handlers.get(str(service))
        if handler is None:
            return {"error_code": "02", "message": f"Dịch vụ không tồn tại: {service!r}."}
        reply = handler(body, data)
        with self.lock:
            self.calls.append(
                {
                    "service": service,
                    "isUpdating": body.get("isUpdating"),
                    "codes": [d.get("MaHoSo") for d in data if isinstance(d, dict)],
                    "error_code": reply["error_code"],
                }
            )
            if reply["error_code"] != "00":
                self.rejected.append({"service": service, **reply})
        return reply

    def _code_errors(self, code: Any) -> str | None:
        pid = self.agency.rsplit(".", 1)[-1]
        if not isinstance(code, str) or not re.match(rf"^{AGENCY}-\S+$", code):
            return "mã hồ sơ phải dạng {mã đơn vị}-{yyMMdd}-{số}"
        if not code.split("-", 1)[0].endswith("." + pid):
            return f"mã hồ sơ không thuộc tỉnh {pid}"
        return None

    def check_dossier(self, record: Any, path: str = "") -> dict[str, str]:
        errors = check_fields(record, DOSSIER_KEYS, path)
        if not isinstance(record, dict):
            return errors
        problem = self._code_errors(record.get("MaHoSo"))
        if problem:
            errors[f"{path}MaHoSo"] = problem
        if isinstance(record.get("MaTTHC"), str) and not PROCEDURE_RE.match(record["MaTTHC"]):
            errors[f"{path}MaTTHC"] = "mã thủ tục quốc gia không đúng dạng"
        if isinstance(record.get("DonViXuLy"), str) and not re.match(
            rf"^{AGENCY}$", record["DonViXuLy"]
        ):
            errors[f"{path}DonViXuLy"] = "mã cơ quan không đúng dạng"
        for key, low, high in (
            ("KenhThucHien", 1, 3),
            ("LoaiDoiTuong", 1, 4),
            ("TrangThaiHoSo", 1, 10),
            ("DuocThanhToanTrucTuyen", 0, 2),
            ("HinhThuc", 0, 3),
        ):
            value = record.get(key)
            if isinstance(value, int) and not low <= value <= high:
                errors[f"{path}{key}"] = f"phải từ {low} đến {high}"
        for key in ("ChuHoSo", "TenTTHC"):
            if isinstance(record.get(key), str) and not record[key].strip():
                errors[f"{path}{key}"] = "không được rỗng"
        if isinstance(record.get("TrichYeuHoSo"), str) and len(record["TrichYeuHoSo"]) > 1000:
            errors[f"{path}TrichYeuHoSo"] = "tối đa 1000 ký tự"
        status = record.get("TrangThaiHoSo")
        for needed in STATUS_NEEDS.get(status, []) if isinstance(status, int) else []:
            if record.get(needed) == "" and f"{path}{needed}" not in errors:
                errors[f"{path}{needed}"] = f"bắt buộc khi TrangThaiHoSo = {status}"
        for i, ident in enumerate(record.get("DinhDanhCHS") or []):
            p = f"{path}DinhDanhCHS[{i}]."
            sub = check_fields(ident, {"LoaiDinhDanh": "int", "SoDinhDanh": "str"}, p)
            if not sub:
                length = {1: 12, 2: 9}.get(ident["LoaiDinhDanh"])
                if length is None:
                    sub[f"{p}LoaiDinhDanh"] = "phải là 1 hoặc 2"
                elif not (ident["SoDinhDanh"].isdigit() and len(ident["SoDinhDanh"]) == length):
                    sub[f"{p}SoDinhDanh"] = f"phải gồm {length} chữ số"
            errors.update(sub)
        for key, spec in (
            ("TaiLieuNop", FILE_KEYS),
            ("DanhSachLePhi", FEE_KEYS),
            ("DanhSachHoSoBoSung", SUPPLEMENT_KEYS),
            ("DanhSachGiayToKetQua", RESULT_KEYS),
        ):
            items = record.get(key)
            for i, item in enumerate(items if isinstance(items, list) else []):
                errors.update(check_fields(item, spec, f"{path}{key}[{i}]."))
        for i, result in enumerate(record.get("DanhSachGiayToKetQua") or []):
            if isinstance(result, dict) and result.get("MaGiayToKetQua") == "":
                errors[f"{path}DanhSachGiayToKetQua[{i}].MaGiayToKetQua"] = "không được rỗng"
        return errors

    def _sync_dossiers(self, body: dict[str, Any], data: list[Any]) -> dict[str, Any]:
        updating = body.get("isUpdating")
        if not isinstance(updating, bool):
            return {"error_code": "02", "message": "isUpdating phải là true hoặc false."}
        errors: dict[str, str] = {}
        for i, record in enumerate(data):
            errors.update(self.check_dossier(record, f"data[{i}]."))
        if errors:
            return {"error_code": "02", "message": "Dữ liệu không hợp lệ.", "errors": errors}
        with self.lock:
            unknown = [r["MaHoSo"] for r in data if r["MaHoSo"] not in self.dossiers]
            if updating and unknown:
                return {
                    "error_code": "04",
                    "message": f"Cập nhật hồ sơ chưa được đồng bộ: {', '.join(unknown)}.",
                }
            for record in data:
                held = self.dossiers.setdefault(
                    record["MaHoSo"], {"record": None, "history": [], "steps": []}
                )
                held["record"] = record
                held["history"].append({"isUpdating": updating, "record": record})
        return {"error_code": "00", "message": "Thành công"}

    def _sync_steps(self, body: dict[str, Any], data: list[Any]) -> dict[str, Any]:
        errors: dict[str, str] = {}
        for i, step in enumerate(data):
            p = f"data[{i}]."
            errors.update(check_fields(step, STEP_KEYS, p))
            if isinstance(step, dict):
                name = step.get("NguoiXuLy")
                if isinstance(name, str) and not 0 < len(name) <= 50:
                    errors[f"{p}NguoiXuLy"] = "từ 1 đến 50 ký tự"
                status = step.get("TrangThai")
                if isinstance(status, int) and not 1 <= status <= 10:
                    errors[f"{p}TrangThai"] = "phải từ 1 đến 10"
        if errors:
            return {"error_code": "02", "message": "Dữ liệu không hợp lệ.", "errors": errors}
        with self.lock:
            unknown = [s["MaHoSo"] for s in data if s["MaHoSo"] not in self.dossiers]
            if unknown:
                return {"error_code": "04", "message": f"Hồ sơ chưa có: {', '.join(unknown)}."}
            for step in data:
                self.dossiers[step["MaHoSo"]]["steps"].append(step)
        return {"error_code": "00", "message": "Thành công"}

    def _lookup(self, body: dict[str, Any], data: list[Any]) -> dict[str, Any]:
        result = []
        with self.lock:
            for item in data:
                code = item.get("MaHoSo") if isinstance(item, dict) else None
                held = self.dossiers.get(code) if isinstance(code, str) else None
                result.append(
                    {"MaHoSo": code, "HoSo": held["record"] if held else None}
                    | ({"SoBuocXuLy": len(held["steps"])} if held else {})
                )
        return {"error_code": "00", "result": result}

    def _ratings(self, body: dict[str, Any], data: list[Any]) -> dict[str, Any]:
        with self.lock:
            self.ratings.extend(d for d in data if isinstance(d, dict))
        return {"error_code": "00"}

    def _catalogue(self, body: dict[str, Any], data: list[Any]) -> dict[str, Any]:
        return {"error_code": "00", "result": []}

    def tamper(self, body: Any) -> dict[str, Any]:
        """Break what the portal holds: ``{MaHoSo, delete: true}`` or ``{MaHoSo, set: {...}}``."""
        if not isinstance(body, dict) or not isinstance(body.get("MaHoSo"), str):
            return {"error_code": "02", "message": "Cần MaHoSo."}
        with self.lock:
            code = body["MaHoSo"]
            if body.get("delete"):
                self.dossiers.pop(code, None)
            elif code in self.dossiers and isinstance(body.get("set"), dict):
                record = dict(self.dossiers[code]["record"])
                record.update(body["set"])
                self.dossiers[code]["record"] = record
            else:
                return {"error_code": "04", "message": "Không có hồ sơ."}
        return {"error_code": "00"}

    def submit(self, body: Any) -> dict[str, Any]:
        """Hand a dossier submitted "on the portal" to MotCua (demo): ``{motcua, username,
        password, record}``; the portal keeps the record as submitted."""
        if not isinstance(body, dict) or not isinstance(body.get("record"), dict):
            return {"error_code": "02", "message": "Cần motcua, username, password, record."}
        base = str(body.get("motcua", "")).rstrip("/")
        try:
            token = httpx.post(
                f"{base}/api/v1/auth/token",
                json={"username": body.get("username"), "password": body.get("password")},
                timeout=10,
            ).json()["token"]
            reply = httpx.post(
                f"{base}/api/v1/national/dossiers",
                json=body["record"],
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            )
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            return {"error_code": "99", "message": f"Không gửi được tới MotCua: {exc}"}
        if reply.status_code in {200, 201}:
            with self.lock:
                code = body["record"].get("MaHoSo")
                self.dossiers.setdefault(
                    code, {"record": body["record"], "history": [], "steps": []}
                )
        return {"error_code": "00" if reply.status_code in {200, 201} else "02",
                "status": reply.status_code, "reply": reply.json()}  # fmt: skip

    # ------------------------------------------------------------------ server

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> StandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # One write per answer, sent at once (no Nagle wait on keep-alive connections).
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, payload: Any, content_type: str = "") -> None:
                body = (
                    payload
                    if isinstance(payload, bytes)
                    else json.dumps(payload, ensure_ascii=False).encode()
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Stand-In", "DVCQG simulator - not the national portal")
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> bytes:
                length = int(self.headers.get("Content-Length") or 0)
                return self.rfile.read(length) if length else b""

            def _json(self) -> Any:
                try:
                    return json.loads(self._body() or b"null")
                except ValueError:
                    return None

            def _outage(self) -> bool:
                if standin.slow:
                    time.sleep(standin.slow)
                if standin.outage:
                    self._body()  # keep the connection's framing right
                if standin.outage == "drop":
                    # No answer at all: the client sees the connection close.
                    self.close_connection = True
                    return True
                if standin.outage:
                    self.close_connection = True
                    self._send(HTTPStatus.SERVICE_UNAVAILABLE, {"message": "Bảo trì (giả lập)"})
                    return True
                return False

            def do_GET(self) -> None:
                path = urlparse(self.path).path
                if path.startswith("/_sim/"):
                    self._control_get(path)
                    return
                if self._outage():
                    return
                if path.startswith("/files/"):
                    item = standin.files.get(unquote(path[len("/files/") :]))
                    if item is None:
                        self._send(404, {"message": "Không có tệp."})
                    else:
                        self._send(200, item[0], item[1])
                    return
                self._send(200, {"label": LABEL, "login": "/login", "service": "/service"})

            def _control_get(self, path: str) -> None:
                if path == "/_sim/state":
                    self._send(200, standin.state())
                elif path.startswith("/_sim/dossiers/"):
                    code = unquote(path[len("/_sim/dossiers/") :])
                    held = standin.state()["dossiers"].get(code)
                    self._send(200 if held else 404, held or {"message": "Không có hồ sơ."})
                else:
                    self._send(404, {"message": "Không có."})

            def do_PUT(self) -> None:
                path = urlparse(self.path).path
                if path.startswith("/_sim/files/"):
                    name = unquote(path[len("/_sim/files/") :])
                    kind = self.headers.get("Content-Type") or "application/octet-stream"
                    standin.files[name] = (self._body(), kind)
                    self._send(201, {"url": f"{standin.url}/files/{name}"})
                else:
                    self._send(404, {"message": "Không có."})

            def do_POST(self) -> None:
                path = urlparse(self.path).path
                if path.startswith("/_sim/"):
                    self._control_post(path)
                    return
                if self._outage():
                    return
                if (self.headers.get("Content-Type") or "").split(";")[0] != "application/json":
                    self._send(415, {"error_code": "02", "message": "Cần application/json."})
                    return
                body = self._json()
                if path == "/login":
                    self._send(200, standin.login(body))
                elif path == "/service":
                    self._send(200, standin.service(body))
                else:
                    self._send(404, {"error_code": "02", "message": "Không có."})

            def _control_post(self, path: str) -> None:
                body = self._json()
                if path == "/_sim/mode" and isinstance(body, dict):
                    with standin.lock:
                        if "outage" in body:
                            standin.outage = body["outage"] or None
                        if "slow" in body:
                            standin.slow = float(body["slow"] or 0)
                        if "error_code" in body:
                            standin.error_code = body["error_code"] or None
                    self._send(200, standin.state()["mode"])
                elif path == "/_sim/expire-sessions":
                    standin.expire_sessions()
                    self._send(200, {"error_code": "00"})
                elif path == "/_sim/tamper":
                    self._send(200, standin.tamper(body))
                elif path == "/_sim/submit":
                    self._send(200, standin.submit(body))
                elif path == "/_sim/reset":
                    standin.reset()
                    self._send(200, {"error_code": "00"})
                else:
                    self._send(404, {"message": "Không có."})

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
