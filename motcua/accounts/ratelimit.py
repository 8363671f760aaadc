"""A small fixed-window rate limiter on Django's cache (the database cache is shared by every
server worker, so a limit holds across processes)."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` → (10, 60); the same notation as DRF's throttle rates."""
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[:1].lower() or "m"]
    return int(count), seconds


def client_ip(request: HttpRequest) -> str:
    """The client address. Behind a proxy, the proxy must set REMOTE_ADDR (as gunicorn with
    ``--forwarded-allow-ips`` does); a client-sent X-Forwarded-For is never trusted here."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def rate_limited(scope: str, ident: str, rate: str) -> bool:
    """Count one hit of ``ident`` in ``scope``; True when it goes beyond ``rate``."""
    limit, window = parse_rate(rate)
    bucket = int(time.time() // window)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"rl:{scope}:{digest}:{bucket}"
    if cache.add(key, 1, timeout=window + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    return count > limit
