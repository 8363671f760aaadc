"""DRF throttles on MotCua's counters (a table or Redis, never evicted, shared by every
process) and on the client address of :func:`motcua.core.ratelimit.client_ip` (DRF's own
``get_ident`` believes any ``X-Forwarded-For``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework import throttling
from rest_framework.request import Request

from motcua.core.ratelimit import client_ip, rate_limited, rate_wait


def throttle_rate(scope: str) -> str:
    config: Any = settings.REST_FRAMEWORK
    return str(config["DEFAULT_THROTTLE_RATES"][scope])


class ClientThrottle(throttling.BaseThrottle):
    """A fixed window per client address; the rate is read from the settings at each
    request (``MOTCUA_LOGIN_RATE``, ``MOTCUA_LOOKUP_RATE``)."""

    scope = ""

    def allow_request(self, request: Request, view: Any) -> bool:
        self.rate = throttle_rate(self.scope)
        return not rate_limited(f"api-{self.scope}", client_ip(request._request), self.rate)

    def wait(self) -> float | None:
        return float(rate_wait(self.rate))


class LoginThrottle(ClientThrottle):
    scope = "login"


class LookupThrottle(ClientThrottle):
    scope = "lookup"
