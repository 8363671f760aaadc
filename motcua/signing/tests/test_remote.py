"""The remote-signing adapter (``MOTCUA_SIGNING_DEVICE=remote``) against a stand-in of a
remote-signing service on loopback: MotCua fetches the unit's certificate, sends only the
data to be signed, and the service answers with the raw signature (docs/signing.md)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from motcua.signing.models import Signature, SignatureStatus
from motcua.signing.tests.conftest import Province, province  # noqa: F401
from motcua.signing.tests.helpers import resolved_with_result
from motcua.signing.tests.pki import PASSWORD, TestPKI
from motcua.signing.tests.test_signing import check_in_pyhanko, read

TOKEN = "bi-mat-cua-dich-vu"


@pytest.fixture
def remote(pki: TestPKI, province: Province) -> Iterator[dict[str, Any]]:  # noqa: F811
    key, cert, chain = pkcs12.load_key_and_certificates(pki.p12("unit"), PASSWORD)
    assert isinstance(key, rsa.RSAPrivateKey) and cert is not None
    pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in [cert, *chain]).decode()
    calls: list[dict[str, Any]] = []

    @Request.application  # type: ignore[misc]
    def app(request: Request) -> Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return Response("unauthorised", status=401)
        if request.path == "/certificate":
            if request.args.get("unit") != province.commune.code:
                return Response("{}", status=404)
            return Response(json.dumps({"certificate": pem}), mimetype="application/json")
        if request.path == "/sign" and request.method == "POST":
            body = json.loads(request.get_data())
            calls.append(body)
            assert body["digest_algorithm"] == "sha256"
            raw = key.sign(base64.b64decode(body["data"]), padding.PKCS1v15(), hashes.SHA256())
            return Response(
                json.dumps({"signature": base64.b64encode(raw).decode()}),
                mimetype="application/json",
            )
        return Response("not found", status=404)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "calls": calls}
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.mark.django_db
def test_a_result_is_signed_by_the_remote_service(
    province: Province,  # noqa: F811
    signing: TestPKI,
    remote: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_SIGNING_DEVICE = "remote"
    settings.MOTCUA_SIGNING_REMOTE_URL = remote["url"]
    settings.MOTCUA_SIGNING_REMOTE_TOKEN = TOKEN
    # With a device, the CA's root is trusted by a file in the trust dir (docs/signing.md).
    trust = Path(settings.MOTCUA_SIGNING_TRUST_DIR)
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "ca.pem").write_bytes(signing.pem("root"))

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.SIGNED, signature.problem
    assert signature.device == "remote"
    assert remote["calls"] and all(c["unit"] == province.commune.code for c in remote["calls"])
    _, status = check_in_pyhanko(read(result), signing)
    assert status.bottom_line, status.pretty_print_details()


@pytest.mark.django_db
def test_a_refusing_service_leaves_the_file_unsigned_with_the_reason(
    province: Province,  # noqa: F811
    signing: TestPKI,
    remote: dict[str, Any],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MOTCUA_SIGNING_DEVICE = "remote"
    settings.MOTCUA_SIGNING_REMOTE_URL = remote["url"]
    settings.MOTCUA_SIGNING_REMOTE_TOKEN = "sai"

    _, result = resolved_with_result(province, django_capture_on_commit_callbacks)

    signature = Signature.objects.get(attachment=result)
    assert signature.status == SignatureStatus.FAILED
    assert "remote-signing" in signature.problem
    assert result.sha256 == signature.original_sha256
