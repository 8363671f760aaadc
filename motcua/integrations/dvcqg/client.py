"""The transport to the national public service portal (CONTRACT §8): login, the session
and its renewal, one ``call`` per service, and what counts as a failure.

The mapping (``mapping.py``) decides what a record says; this module only carries it. A
province whose gateway uses other paths or wraps the calls differently changes this file,
not the mapping.

- ``POST {URL}/login`` ``{username, password}`` → ``{error_code: "00", session}``.
- ``POST {URL}/service`` ``{session, madonvi, service, isUpdating?, data}`` →
  ``{error_code: "00", ...}``.
- ``error_code`` "01" is an expired session: log in again and repeat the call once.
- Any other code, an HTTP error, a timeout or a refused connection is ``PortalUnavailable``
  (the outbox retries it with backoff).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings

OK_CODES = {"00", "0"}
SESSION_EXPIRED = "01"
# The stand-in's (and the province gateways' usual) code for "no such dossier here": an
# update of a dossier the portal does not hold is then sent again as new.
UNKNOWN_DOSSIER = "04"

# Services of the portal (reference/national-portal.md).
SYNC_DOSSIERS = "DongBoHoSoMC"
SYNC_PROGRESS = "CapNhatTienDoHoSoMC"
LOOKUP = "TraCuuHoSo"
SYNC_RATINGS = "DongBoDanhGia"


class PortalError(Exception):
    """The national portal could not take a call."""


class PortalNotConfigured(PortalError):
    pass


class PortalUnavailable(PortalError):
    """Down, slow, an HTTP error or an ``error_code`` other than success: retry later."""

    def __init__(self, message: str, *, error_code: str | None = None) -> None:
        super().__init__(message)
        self.error_code = error_code


@dataclass(frozen=True)
class PortalConfig:
    url: str
    username: str
    password: str
    agency: str
    timeout: float = 20.0

    @classmethod
    def from_settings(cls) -> PortalConfig:
        url = settings.MOTCUA_DVCQG_URL
        if not url:
            raise PortalNotConfigured("MOTCUA_DVCQG_URL is empty: the national sync is off.")
        return cls(
            url=url.rstrip("/"),
            username=settings.MOTCUA_DVCQG_USERNAME,
            password=settings.MOTCUA_DVCQG_PASSWORD,
            agency=settings.MOTCUA_DVCQG_AGENCY,
            timeout=float(settings.MOTCUA_DVCQG_TIMEOUT),
        )


def sync_enabled() -> bool:
    return bool(settings.MOTCUA_DVCQG_URL)


def _code(reply: dict[str, Any]) -> str:
    return str(reply.get("error_code", "")).strip()


class PortalClient:
    """One client per process: it keeps the session between calls and renews it once when
    the portal says it expired. Thread-safe (a worker may deliver in threads)."""

    def __init__(self, config: PortalConfig, *, transport: httpx.BaseTransport | None = None):
        self.config = config
        self._http = httpx.Client(
            timeout=config.timeout, transport=transport, headers={"User-Agent": "MotCua"}
        )
        self._session: str | None = None
        self._lock = threading.Lock()
        self.logins = 0

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            response = self._http.post(f"{self.config.url}/{path}", json=body)
        except httpx.TimeoutException as exc:
            raise PortalUnavailable(
                f"Cổng DVCQG không trả lời ({path}): hết thời gian chờ."
            ) from exc
        except httpx.HTTPError as exc:
            raise PortalUnavailable(f"Không kết nối được Cổng DVCQG ({path}): {exc}") from exc
        if response.status_code >= 400:
            raise PortalUnavailable(f"Cổng DVCQG trả lỗi HTTP {response.status_code} ({path}).")
        try:
            reply = response.json()
        except ValueError as exc:
            raise PortalUnavailable(f"Cổng DVCQG trả nội dung không phải JSON ({path}).") from exc
        if not isinstance(reply, dict):
            raise PortalUnavailable(f"Cổng DVCQG trả nội dung không hợp lệ ({path}).")
        return reply

    def login(self) -> str:
        reply = self._post(
            "login", {"username": self.config.username, "password": self.config.password}
        )
        code = _code(reply)
        session = reply.get("session")
        if code not in OK_CODES or not isinstance(session, str) or not session:
            raise PortalUnavailable(
                f"Đăng nhập Cổng DVCQG không thành công (error_code {code or '?'}): "
                f"{reply.get('message', '')}".strip(),
                error_code=code,
            )
        self.logins += 1
        return session

    def _current_session(self, *, renew: bool, stale: str | None) -> str:
        with self._lock:
            # Several threads may see the same expired session: only the first logs in again.
            if self._session is None or (renew and self._session == stale):
                self._session = self.login()
            return self._session

    def call(
        self, service: str, data: list[dict[str, Any]], *, is_updating: bool | None = None
    ) -> dict[str, Any]:
        """Call one service; returns the portal's reply (``error_code`` "00")."""
        body: dict[str, Any] = {"madonvi": self.config.agency, "service": service, "data": data}
        if is_updating is not None:
            body["isUpdating"] = is_updating
        session = self._current_session(renew=False, stale=None)
        reply = self._post("service", {"session": session, **body})
        if _code(reply) == SESSION_EXPIRED:
            session = self._current_session(renew=True, stale=session)
            reply = self._post("service", {"session": session, **body})
        code = _code(reply)
        if code not in OK_CODES:
            raise PortalUnavailable(
                f"Cổng DVCQG từ chối {service} (error_code {code or '?'}): "
                f"{reply.get('message', '')}".strip(),
                error_code=code,
            )
        return reply


_client: PortalClient | None = None
_client_lock = threading.Lock()


def portal_client() -> PortalClient:
    """The process's client for the configured portal (built on first use)."""
    global _client
    config = PortalConfig.from_settings()
    with _client_lock:
        if _client is None or _client.config != config:
            if _client is not None:
                _client.close()
            _client = PortalClient(config)
        return _client


def portal_client_reset() -> None:
    """Forget the client and its session (tests that change the settings)."""
    global _client
    with _client_lock:
        if _client is not None:
            _client.close()
        _client = None
