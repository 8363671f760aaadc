"""Rate-limit counters and the client's address (CONTRACT.md §2).

Counters live in the database table ``core_ratecounter`` (never evicted, shared by every
server process) or, when ``MOTCUA_REDIS_URL`` is set, in Redis (also shared, and keys only
expire by their own time: run Redis with ``maxmemory-policy noeviction``). A counter is a
count with an expiry: :func:`counter_hit` adds one and returns the new count,
:func:`counter_peek` reads it, :func:`counter_hold` keeps it alive longer (a lock).
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest

from motcua.core.models import RateCounter


def _now() -> float:
    """The clock of every counter (tests move it instead of sleeping)."""
    return time.time()


def parse_rate(rate: str) -> tuple[int, int]:
    """``"10/min"`` → (10, 60); the same notation as DRF's throttle rates."""
    count, _, period = rate.partition("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period.strip()[:1].lower() or "m"]
    return int(count), seconds


@cache
def _trusted_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    networks = []
    for item in spec.split(","):
        item = item.strip()
        if item:
            networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def _parse_ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [::1]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 1.2.3.4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    spec = str(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ""))
    return any(address in network for network in _trusted_networks(spec))


def client_ip(request: HttpRequest) -> str:
    """The client's address: the socket's peer, unless that peer is a proxy listed in
    ``MOTCUA_TRUSTED_PROXIES``; then ``X-Forwarded-For`` is read from the right, skipping
    trusted proxies, and the first other address is the client. A client that sends its
    own ``X-Forwarded-For`` straight to the server changes nothing."""
    remote = _parse_ip(str(request.META.get("REMOTE_ADDR") or ""))
    if remote is None:
        return "unknown"
    if not _trusted(remote):
        return str(remote)
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [part for part in forwarded.split(",") if part.strip()]
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            # A forged or broken entry: everything left of it is the client's own words.
            break
        if not _trusted(address):
            return str(address)
        remote = address
    return str(remote)


def _digest(ident: str) -> str:
    return hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def counter_key(scope: str, ident: str) -> str:
    """A fixed-length key for any identifier (usernames and addresses are hashed)."""
    return f"{scope[:60]}:{_digest(ident)}"


@cache
def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, socket_timeout=5)


def _redis_client() -> Any | None:
    url = str(getattr(settings, "MOTCUA_REDIS_URL", "") or "")
    return _redis(url) if url else None


_HIT_SQL = {
    # One statement, atomic on both databases: a new row, or one more on a live row, or a
    # fresh count on a row whose time has passed.
    "default": (
        "INSERT INTO core_ratecounter (key, count, expires) VALUES (%s, 1, %s) "
        "ON CONFLICT (key) DO UPDATE SET "
        "count = CASE WHEN core_ratecounter.expires <= %s THEN 1 "
        "ELSE core_ratecounter.count + 1 END, "
        "expires = CASE WHEN core_ratecounter.expires <= %s THEN excluded.expires "
        "ELSE core_ratecounter.expires END "
        "RETURNING count"
    ),
}


def counter_hit(key: str, window: int) -> int:
    """Add one to ``key`` (which lives ``window`` seconds from its first hit); the new count."""
    now = int(_now())
    client = _redis_client()
    if client is not None:
        pipe = client.pipeline()
        pipe.incr(f"motcua:{key}")
        pipe.expire(f"motcua:{key}", window, nx=True)
        count, _set = pipe.execute()
        return int(count)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_HIT_SQL["default"], [key, now + window, now, now])
        row = cursor.fetchone()
    return int(row[0])


def counter_peek(key: str) -> int:
    """The live count of ``key`` (0 when it never was or has expired)."""
    client = _redis_client()
    if client is not None:
        value = client.get(f"motcua:{key}")
        return int(value) if value is not None else 0
    row = RateCounter.objects.filter(key=key, expires__gt=int(_now())).values("count").first()
    return int(row["count"]) if row else 0


def counter_ttl(key: str) -> int:
    """Seconds until ``key`` expires (0 when it is not live)."""
    client = _redis_client()
    if client is not None:
        ttl = int(client.ttl(f"motcua:{key}"))
        return max(ttl, 0)
    row = RateCounter.objects.filter(key=key).values("expires").first()
    return max(int(row["expires"]) - int(_now()), 0) if row else 0


def counter_hold(key: str, seconds: int) -> None:
    """Keep ``key`` live for ``seconds`` from now (a lock that lasts its full time)."""
    client = _redis_client()
    if client is not None:
        client.expire(f"motcua:{key}", seconds)
        return
    RateCounter.objects.filter(key=key).update(expires=int(_now()) + seconds)


def counter_clear(*keys: str) -> None:
    client = _redis_client()
    if client is not None:
        if keys:
            client.delete(*(f"motcua:{key}" for key in keys))
        return
    RateCounter.objects.filter(key__in=keys).delete()


def rate_limited(scope: str, ident: str, rate: str) -> bool:
    """Count one hit of ``ident`` in ``scope``; True when it goes beyond ``rate``
    (a fixed window: ``10/min`` allows ten hits in each clock minute)."""
    limit, window = parse_rate(rate)
    bucket = int(_now() // window)
    count = counter_hit(f"{counter_key(scope, ident)}:{bucket}", window + 1)
    return count > limit


def rate_wait(rate: str) -> int:
    """Seconds until the current window of ``rate`` ends (for ``Retry-After``)."""
    _limit, window = parse_rate(rate)
    return max(1, window - int(_now()) % window)


def counters_purge(*, now: float | None = None) -> int:
    """Delete counters whose time has passed; how many."""
    moment = int(now if now is not None else _now())
    deleted, _ = RateCounter.objects.filter(expires__lte=moment).delete()
    return int(deleted)
