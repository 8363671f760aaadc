"""The public lookup under attack (issue 11, finding 1; CONTRACT.md §2): the client is the
socket's address unless a trusted proxy says otherwise; counters are never evicted; after 5
wrong phone digits the dossier's check is locked for an hour, right digits included."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from motcua.accounts.tests.fixtures import *  # noqa: F403
from motcua.accounts.tests.fixtures import Place, submit
from motcua.core import ratelimit
from motcua.core.ratelimit import client_ip, counter_hit, counter_peek, rate_limited

pytestmark = pytest.mark.django_db
RIGHT = "4567"  # the last four digits of the fixture's phone


def _rates(settings: Any, lookup: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "10/min", "lookup": lookup},
    }


def test_rotating_x_forwarded_for_does_not_lift_the_api_limit(
    place: Place, api_client: Any, settings: Any
) -> None:
    _rates(settings, "5/min")
    dossier = submit(place)
    statuses = [
        api_client.get(
            f"/api/v1/lookup/{dossier.code}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(8)
    ]
    assert statuses == [200] * 5 + [429] * 3


def test_counters_survive_a_flooded_or_cleared_cache(
    place: Place, api_client: Any, settings: Any
) -> None:
    _rates(settings, "3/min")
    dossier = submit(place)
    for _ in range(3):
        api_client.get(f"/api/v1/lookup/{dossier.code}")
    cache.clear()
    assert api_client.get(f"/api/v1/lookup/{dossier.code}").status_code == 429


def test_after_five_wrong_digits_even_the_right_ones_get_429(place: Place, api_client: Any) -> None:
    dossier = submit(place)
    url = f"/api/v1/lookup/{dossier.code}"
    wrong = [api_client.get(url, {"verify": f"{g:04d}"}) for g in range(5)]
    assert [r.status_code for r in wrong] == [200] * 5
    assert all("applicant_name" not in r.json() for r in wrong)
    locked = api_client.get(url, {"verify": RIGHT})
    assert locked.status_code == 429
    assert "applicant_name" not in locked.json()
    assert int(locked["Retry-After"]) > 3000
    # The page shares the lock (same dossier, any client).
    page = Client(REMOTE_ADDR="10.20.30.40").get(
        "/tra-cuu/", {"code": dossier.code, "verify": RIGHT}
    )
    assert page.status_code == 429
    # Rating needs the digits too.
    rating = api_client.post(f"{url}/rating", {"verify": RIGHT, "score": 5}, format="json")
    assert rating.status_code == 429


def test_the_verify_lock_lasts_an_hour(
    place: Place, api_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dossier = submit(place)
    url = f"/api/v1/lookup/{dossier.code}"
    for g in range(5):
        api_client.get(url, {"verify": f"{g:04d}"})
    now = ratelimit._now()
    monkeypatch.setattr(ratelimit, "_now", lambda: now + 3500)
    assert api_client.get(url, {"verify": RIGHT}).status_code == 429
    monkeypatch.setattr(ratelimit, "_now", lambda: now + 3700)
    response = api_client.get(url, {"verify": RIGHT})
    assert response.status_code == 200
    assert response.json()["applicant_name"]


def test_the_right_digits_before_the_limit_still_work(place: Place, api_client: Any) -> None:
    dossier = submit(place)
    url = f"/api/v1/lookup/{dossier.code}"
    for g in range(4):
        api_client.get(url, {"verify": f"{g:04d}"})
    assert api_client.get(url, {"verify": RIGHT}).json()["verified"] is True


@pytest.mark.parametrize("digits", ["¹²³⁴", "٤٥٦٧", "４５６７", "45 7", "45677", "abcd"])
def test_non_ascii_or_malformed_digits_are_400_not_500(
    place: Place, api_client: Any, client: Client, digits: str
) -> None:
    dossier = submit(place)
    api = api_client.get(f"/api/v1/lookup/{dossier.code}", {"verify": digits})
    assert api.status_code == 400
    assert "verify" in api.json()
    page = client.get("/tra-cuu/", {"code": dossier.code, "verify": digits})
    assert page.status_code == 400
    rating = api_client.post(
        f"/api/v1/lookup/{dossier.code}/rating", {"verify": digits, "score": 5}, format="json"
    )
    assert rating.status_code == 400


@override_settings(MOTCUA_TRUSTED_PROXIES="10.0.0.1, 192.168.7.0/24")
def test_x_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    factory = RequestFactory()
    direct = factory.get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "203.0.113.5"
    proxied = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(proxied) == "1.2.3.4"
    # The client may prepend anything; only what the trusted hops added counts.
    chain = factory.get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 192.168.7.9"
    )
    assert client_ip(chain) == "1.2.3.4"
    junk = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="bogus")
    assert client_ip(junk) == "10.0.0.1"


def test_counters_are_shared_in_redis_when_configured(settings: Any) -> None:
    settings.MOTCUA_REDIS_URL = "redis://127.0.0.1:6379/3"
    client = ratelimit._redis_client()
    assert client is not None
    client.delete(*(client.keys("motcua:test-shared:*") or ["motcua:none"]))
    key = ratelimit.counter_key("test-shared", "1.2.3.4")
    assert [counter_hit(key, 60) for _ in range(3)] == [1, 2, 3]
    assert counter_peek(key) == 3
    assert 0 < ratelimit.counter_ttl(key) <= 60
    # Nothing went to the table.
    settings.MOTCUA_REDIS_URL = ""
    assert counter_peek(key) == 0
    settings.MOTCUA_REDIS_URL = "redis://127.0.0.1:6379/3"
    assert [rate_limited("test-shared", "5.6.7.8", "2/min") for _ in range(3)] == [
        False,
        False,
        True,
    ]
    client.delete(*client.keys("motcua:test-shared:*"))
