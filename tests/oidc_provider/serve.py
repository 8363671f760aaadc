"""Start the test OpenID Connect provider: ``python -m tests.oidc_provider.serve DB
REDIRECT_URI POST_LOGOUT_URI``. It migrates its own SQLite file, creates its RSA signing key,
the client ``motcua`` (confidential, code flow, PKCE accepted) and the test users of
``claims.USERS``, then serves on a free port of 127.0.0.1 and prints ``PORT <n>``."""

from __future__ import annotations

import os
import sys


def main() -> None:
    db, redirect_uri, logout_uri = sys.argv[1:4]
    os.environ["OIDC_TEST_PROVIDER_DB"] = db
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django

    django.setup()
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType, RSAKey

    from tests.oidc_provider.users import PASSWORD, USERS

    call_command("migrate", verbosity=0)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    RSAKey.objects.create(key=pem)
    client = Client.objects.create(
        name="MotCua",
        client_type="confidential",
        client_id="motcua",
        client_secret="motcua-secret",
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
        _redirect_uris=redirect_uri,
        _post_logout_redirect_uris=logout_uri,
        _scope="openid profile vneid",
    )
    client.response_types.add(ResponseType.objects.get(value="code"))
    for username in USERS:
        get_user_model().objects.create_user(username=username, password=PASSWORD)

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = WSGIServer(("127.0.0.1", 0), Quiet)
    port = server.server_port
    settings.SITE_URL = f"http://127.0.0.1:{port}"  # the issuer the tokens carry
    server.set_app(get_wsgi_application())
    print(f"PORT {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
