"""Sign-in with the national identity (VNeID) against a real OpenID Connect provider:
django-oidc-provider in the small project ``tests/oidc_provider``, started by a fixture on a
free port of 127.0.0.1. The tests drive the whole flow over HTTP with a requests session:
MotCua (the live server) → the provider's sign-in → back to MotCua's callback, which
exchanges the code with the PKCE verifier and checks the id token against the provider's
JWKS."""

from __future__ import annotations

import logging
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse, urlunparse

import pytest
import requests

from motcua.accounts.models import CitizenProfile, NationalIdentity
from motcua.accounts.tests.fixtures import COMMUNE, PASSWORD, citizen_catalog, make_citizen
from motcua.core.signin import signin_failed
from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.models import NationalSync
from motcua.procedures.catalog import catalog_import
from tests.oidc_provider.users import PASSWORD as PROVIDER_PASSWORD
from tests.oidc_provider.users import USERS

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def provider(live_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The provider's base URL; it knows MotCua's redirect URI and post-logout URI."""
    db = tmp_path_factory.mktemp("oidc-provider") / "provider.sqlite3"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider.serve",
            str(db),
            f"{live_server.url}/tai-khoan/vneid/callback/",
            f"{live_server.url}/",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        # "PORT n" once it listens; a provider that never starts fails the test in a minute.
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        line = proc.stdout.readline() if ready else ""
        match = re.match(r"PORT (\d+)", line)
        assert match, f"the test provider did not start: {line!r}"
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def vneid(transactional_db: None, provider: str, settings: Any) -> str:
    """MotCua configured for the provider, as a province does it from the environment."""
    base = f"{provider}/openid"
    settings.OIDC_RP_CLIENT_ID = settings.MOTCUA_OIDC_CLIENT_ID = "motcua"
    settings.OIDC_RP_CLIENT_SECRET = "motcua-secret"
    settings.MOTCUA_OIDC_ISSUER = base
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"
    settings.MOTCUA_OIDC_END_SESSION_URL = f"{base}/end-session"
    settings.OIDC_RP_SCOPES = "openid profile vneid"
    catalog_import(citizen_catalog())
    return provider


def _csrf(session: requests.Session, html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def provider_sign_in(
    session: requests.Session, site: str, username: str, *, follow: bool = True
) -> requests.Response:
    """Press "Đăng nhập bằng VNeID", sign in at the provider; the response MotCua gives
    (or, with ``follow=False``, the provider's redirect to MotCua's callback)."""
    page = session.get(f"{site}/tai-khoan/vneid/", timeout=10)
    assert "/login/" in page.url, page.url
    response = session.post(
        page.url,
        data={
            "username": username,
            "password": PROVIDER_PASSWORD,
            "csrfmiddlewaretoken": _csrf(session, page.text),
            "next": parse_qs(urlparse(page.url).query)["next"][0],
        },
        timeout=10,
        allow_redirects=follow,
    )
    if not follow:
        # The provider's login → its authorize endpoint → MotCua's callback.
        while (
            response.is_redirect
            and "/tai-khoan/vneid/callback/" not in response.headers["Location"]
        ):
            response = session.get(
                requests.compat.urljoin(response.url, response.headers["Location"]),
                timeout=10,
                allow_redirects=False,
            )
    return response


def test_login_page_offers_vneid_only_when_configured(
    live_server: Any, transactional_db: None, settings: Any
) -> None:
    settings.OIDC_RP_CLIENT_ID = ""
    page = requests.get(f"{live_server.url}/tai-khoan/dang-nhap/", timeout=10)
    assert "Đăng nhập bằng VNeID" not in page.text
    assert requests.get(f"{live_server.url}/tai-khoan/vneid/", timeout=10).status_code == 404


def test_first_sign_in_creates_the_citizen_and_the_second_finds_it(
    live_server: Any, vneid: str, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    site = live_server.url
    session = requests.Session()
    assert "Đăng nhập bằng VNeID" in session.get(f"{site}/tai-khoan/dang-nhap/", timeout=10).text
    authorize = session.get(f"{site}/tai-khoan/vneid/", timeout=10, allow_redirects=False)
    query = parse_qs(urlparse(authorize.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    response = provider_sign_in(session, site, "cd001")
    assert response.status_code == 200 and urlparse(response.url).path == "/ho-so-cua-toi/"

    identity = NationalIdentity.objects.select_related("user").get(subject="TECH-0001")
    claims = USERS["cd001"]
    profile = CitizenProfile.objects.get(user=identity.user)
    assert profile.full_name == claims["HoVaTen"] == identity.full_name
    assert profile.id_number == claims["SoDinhDanh"]
    assert profile.date_of_birth == "1990-05-17"
    assert profile.address == claims["DiaChiThuongTru"]
    assert (identity.account_type, identity.assurance_level) == ("citizen", "2")
    assert profile.is_verified and identity.linked_at is not None
    # Encrypted at rest: the table holds no plain ID number, birth date or address.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, date_of_birth, address FROM accounts_nationalidentity")
        stored = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert claims["SoDinhDanh"] not in stored and "1990-05-17" not in stored

    # The administrators see the identity (without its personal data) in the admin.
    from django.test import Client

    from motcua.units.services import user_create_or_update

    root = user_create_or_update(username="root", password=PASSWORD, superuser=True)
    admin = Client()
    admin.force_login(root)
    listing = admin.get("/admin/accounts/nationalidentity/").content.decode()
    assert "TECH-0001" in listing and claims["SoDinhDanh"] not in listing
    detail = admin.get(f"/admin/accounts/nationalidentity/{identity.pk}/change/")
    assert detail.status_code == 200 and claims["DiaChiThuongTru"] not in detail.content.decode()

    again = requests.Session()
    assert provider_sign_in(again, site, "cd001").status_code == 200
    assert NationalIdentity.objects.count() == 1
    assert claims["SoDinhDanh"] not in caplog.text and "1990-05-17" not in caplog.text
    assert CitizenProfile.objects.filter(id_hash=profile.id_hash).count() == 1


def test_an_existing_account_with_the_same_id_number_is_linked_only_after_confirmation(
    live_server: Any, vneid: str
) -> None:
    site = live_server.url
    citizen = make_citizen("hoa@example.vn", name="Nguyễn Thị Hoà")
    profile = CitizenProfile.objects.get(user=citizen)
    profile.id_number = USERS["cd001"]["SoDinhDanh"]
    profile.save()

    session = requests.Session()
    page = provider_sign_in(session, site, "cd001")
    assert urlparse(page.url).path == "/tai-khoan/vneid/lien-ket/"
    assert "Đăng nhập để xác nhận liên kết" in page.text
    # Not linked, not signed in, no second account.
    assert NationalIdentity.objects.get(subject="TECH-0001").user is None
    assert session.get(f"{site}/ho-so-cua-toi/", timeout=10).url.startswith(
        f"{site}/tai-khoan/dang-nhap/"
    )

    login = session.get(f"{site}/tai-khoan/dang-nhap/?next=/tai-khoan/vneid/lien-ket/", timeout=10)
    confirm = session.post(
        login.url,
        data={
            "username": "hoa@example.vn",
            "password": PASSWORD,
            "next": "/tai-khoan/vneid/lien-ket/",
            "csrfmiddlewaretoken": _csrf(session, login.text),
        },
        timeout=10,
    )
    assert "Xác nhận liên kết" in confirm.text
    done = session.post(
        confirm.url,
        data={"confirm": "yes", "csrfmiddlewaretoken": _csrf(session, confirm.text)},
        timeout=10,
    )
    assert done.status_code == 200
    assert NationalIdentity.objects.get(subject="TECH-0001").user == citizen
    profile.refresh_from_db()
    assert profile.date_of_birth == "1990-05-17"

    # From now on VNeID signs in straight to that account.
    later = requests.Session()
    assert urlparse(provider_sign_in(later, site, "cd001").url).path == "/ho-so-cua-toi/"
    assert NationalIdentity.objects.filter(user=citizen).count() == 1


def test_expired_or_tampered_id_token_and_wrong_state_are_refused(
    live_server: Any, vneid: str
) -> None:
    site = live_server.url
    expired = provider_sign_in(requests.Session(), site, "expired")
    assert expired.status_code == 400 and "đã hết hạn" in expired.text
    tampered = provider_sign_in(requests.Session(), site, "tampered")
    assert tampered.status_code == 400 and "không hợp lệ" in tampered.text
    assert not NationalIdentity.objects.exists()

    session = requests.Session()
    redirect = provider_sign_in(session, site, "cd002", follow=False)
    callback = urlparse(redirect.headers["Location"])
    query = parse_qs(callback.query)
    query["state"] = ["forged-state"]
    forged = session.get(
        urlunparse(callback._replace(query=urlencode(query, doseq=True))), timeout=10
    )
    assert forged.status_code == 400 and "mã trạng thái không khớp" in forged.text
    assert not NationalIdentity.objects.exists()


def test_a_locked_account_stays_locked_through_vneid(live_server: Any, vneid: str) -> None:
    site = live_server.url
    assert provider_sign_in(requests.Session(), site, "cd002").status_code == 200
    user = NationalIdentity.objects.get(subject="TECH-0002").user
    for _ in range(5):
        signin_failed(username=user.username, ip="127.0.0.1", reason="password", door="portal")
    refused = provider_sign_in(requests.Session(), site, "cd002")
    assert refused.status_code == 429 and "đang bị khóa" in refused.text


def test_sign_out_goes_to_the_provider(live_server: Any, vneid: str) -> None:
    site = live_server.url
    session = requests.Session()
    page = provider_sign_in(session, site, "cd002")
    out = session.post(
        f"{site}/tai-khoan/dang-xuat/",
        data={"csrfmiddlewaretoken": _csrf(session, page.text)},
        timeout=10,
        allow_redirects=False,
    )
    location = out.headers["Location"]
    assert location.startswith(f"{vneid}/openid/end-session?")
    assert parse_qs(urlparse(location).query)["id_token_hint"][0].count(".") == 2
    back = session.get(location, timeout=10)
    assert back.url.rstrip("/") == site
    assert session.get(f"{site}/ho-so-cua-toi/", timeout=10).url.startswith(
        f"{site}/tai-khoan/dang-nhap/"
    )


def test_an_online_submission_by_a_vneid_citizen_carries_the_flag(
    live_server: Any, vneid: str
) -> None:
    site = live_server.url
    session = requests.Session()
    page = provider_sign_in(session, site, "cd001")
    body = {
        "procedure": "1.001193",
        "unit": COMMUNE,
        "channel": "online",
        "applicant": {"kind": "citizen", "name": USERS["cd001"]["HoVaTen"]},
        "summary": "Đăng ký khai sinh cho con",
    }
    created = session.post(
        f"{site}/api/v1/dossiers",
        json=body,
        headers={"X-CSRFToken": _csrf(session, page.text)},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    dossier = Dossier.objects.get(code=created.json()["code"])
    assert NationalSync.objects.get(dossier=dossier).vneid_verified is True

    from motcua.integrations.dvcqg.snapshot import dossier_snapshot

    snapshot = dossier_snapshot(dossier, dossier.events.get(seq=1))
    assert snapshot["applicant"]["vneid"] is True

    # Once the desk receives it, indicator 4.5 counts it.
    import datetime as dt

    from motcua.dossiers.services import dossier_accept
    from motcua.integrations.dvcqg.indicators import vneid_count
    from motcua.reports.national_indicators import Scope
    from motcua.units.services import user_create_or_update

    desk = user_create_or_update(username="desk", password=PASSWORD, roles=[("desk", COMMUNE)])
    dossier = dossier_accept(dossier=dossier, actor=desk)
    assert dossier.received_at is not None
    day = dt.timedelta(days=1)
    scope = Scope(None, None, None, dossier.received_at - day, dossier.received_at + day,
                  dossier.received_at.date(), dossier.received_at.date())  # fmt: skip
    assert vneid_count(scope) == 1


def test_a_vneid_session_survives_the_provider_being_unconfigured(
    live_server: Any, vneid: str, settings: Any
) -> None:
    site = live_server.url
    session = requests.Session()
    provider_sign_in(session, site, "cd002")
    settings.OIDC_RP_CLIENT_ID = ""
    page = session.get(f"{site}/ho-so-cua-toi/", timeout=10)
    assert page.status_code == 200 and urlparse(page.url).path == "/ho-so-cua-toi/"


def test_a_linked_profile_keeps_the_name_and_id_number_of_the_identity(db: None) -> None:
    from django.test import Client

    from motcua.accounts.oidc import identity_sign_in

    user = identity_sign_in({"sub": "x", **USERS["cd002"]})
    client = Client()
    client.force_login(user)
    page = client.get("/tai-khoan/ho-so-ca-nhan/").content.decode()
    assert 'id="profile-vneid"' in page and "17/02/1985" in page
    response = client.post(
        "/tai-khoan/ho-so-ca-nhan/",
        {
            "full_name": "Tên Khác",
            "id_number": "001099009999",
            "phone": "0901234567",
            "email": "binh@example.vn",
            "address": "Số 2, xã Hai",
        },
    )
    assert response.status_code == 302
    profile = CitizenProfile.objects.get(user=user)
    assert (profile.full_name, profile.id_number) == (
        USERS["cd002"]["HoVaTen"],
        USERS["cd002"]["SoDinhDanh"],
    )
    assert profile.phone == "0901234567" and profile.address == "Số 2, xã Hai"


def test_someone_elses_account_with_the_same_id_number_does_not_block_vneid(
    live_server: Any, vneid: str
) -> None:
    site = live_server.url
    squatter = make_citizen("khac@example.vn", name="Người Khác")
    profile = CitizenProfile.objects.get(user=squatter)
    profile.id_number = USERS["cd002"]["SoDinhDanh"]  # typed into someone else's profile
    profile.save()
    session = requests.Session()
    page = provider_sign_in(session, site, "cd002")
    assert "tạo tài khoản mới" in page.text
    done = session.post(
        page.url,
        data={"confirm": "new", "csrfmiddlewaretoken": _csrf(session, page.text)},
        timeout=10,
    )
    assert urlparse(done.url).path == "/ho-so-cua-toi/"
    identity = NationalIdentity.objects.get(subject="TECH-0002")
    assert identity.user is not None and identity.user != squatter
    assert CitizenProfile.objects.get(user=squatter).full_name == "Người Khác"
    later = provider_sign_in(requests.Session(), site, "cd002")
    assert urlparse(later.url).path == "/ho-so-cua-toi/"
