"""A throw-away test PKI (certomancer, made for pyHanko's own tests): a root CA, an
intermediate CA with an OCSP responder, a time-stamping authority, the signing certificate
of a unit, one that expired long ago, and a second, unrelated root ("unknown CA"). Keys are
generated per test session; the services are served over HTTP on loopback by certomancer's
Animator in a thread, started and stopped by the fixture. Never a real CA."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server

KEYS = ["root", "interm", "ocsp", "tsa", "unit", "old", "other-root", "stranger"]
PASSWORD = b"mat-khau-thu"


def _signer(issuer: str, valid_from: str, valid_to: str, ocsp: str) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "validity": {"valid-from": valid_from, "valid-to": valid_to},
        "extensions": [
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {
                    "schema": "key-usage",
                    "params": ["digital_signature", "non_repudiation"],
                },
            },
            {
                "id": "authority_information_access",
                "smart-value": {"schema": "aia-urls", "params": {"ocsp-responder-names": [ocsp]}},
            },
        ],
    }


def _ca(issuer: str, *, path_len: int | None = None) -> dict[str, Any]:
    constraints: dict[str, Any] = {"ca": True}
    if path_len is not None:
        constraints["path-len-constraint"] = path_len
    spec: dict[str, Any] = {
        "issuer": issuer,
        "validity": {
            "valid-from": "2000-01-01T00:00:00+0000",
            "valid-to": "2500-01-01T00:00:00+0000",
        },
        "extensions": [
            {"id": "basic_constraints", "critical": True, "value": constraints},
            {
                "id": "key_usage",
                "critical": True,
                "smart-value": {
                    "schema": "key-usage",
                    "params": ["digital_signature", "key_cert_sign", "crl_sign"],
                },
            },
        ],
    }
    if issuer == "self":
        spec["issuer"] = None
    return spec


def config(url: str) -> dict[str, Any]:
    root = _ca("root")
    root.update({"subject": "root", "issuer": "root"})
    other = _ca("other-root")
    other.update({"subject": "other-root", "issuer": "other-root"})
    interm = _ca("root", path_len=0)
    return {
        "external-url-prefix": url,
        "keysets": {
            "test": {"keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}},
        },
        "pki-architectures": {
            "test": {
                "keyset": "test",
                "entity-defaults": {"country-name": "VN", "organization-name": "PKI thử"},
                "entities": {
                    "root": {"common-name": "CA gốc thử"},
                    "interm": {"common-name": "CA trung gian thử"},
                    "ocsp": {"common-name": "OCSP thử"},
                    "tsa": {"common-name": "TSA thử"},
                    "unit": {"common-name": "UBND xã Thử Nghiệm"},
                    "old": {"common-name": "UBND xã Hết Hạn"},
                    "other-root": {"common-name": "CA lạ"},
                    "stranger": {"common-name": "Người lạ"},
                },
                "certs": {
                    "root": root,
                    "interm": interm,
                    "ocsp": {
                        "issuer": "interm",
                        "validity": {
                            "valid-from": "2000-01-01T00:00:00+0000",
                            "valid-to": "2500-01-01T00:00:00+0000",
                        },
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature"],
                                },
                            },
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["ocsp_signing"],
                            },
                            {"id": "ocsp_no_check"},
                        ],
                    },
                    "tsa": {
                        "issuer": "root",
                        "validity": {
                            "valid-from": "2000-01-01T00:00:00+0000",
                            "valid-to": "2500-01-01T00:00:00+0000",
                        },
                        "extensions": [
                            {
                                "id": "key_usage",
                                "critical": True,
                                "smart-value": {
                                    "schema": "key-usage",
                                    "params": ["digital_signature"],
                                },
                            },
                            {
                                "id": "extended_key_usage",
                                "critical": True,
                                "value": ["time_stamping"],
                            },
                        ],
                    },
                    "unit": _signer(
                        "interm", "2020-01-01T00:00:00+0000", "2400-01-01T00:00:00+0000", "interm"
                    ),
                    "old": _signer(
                        "interm", "2010-01-01T00:00:00+0000", "2012-01-01T00:00:00+0000", "interm"
                    ),
                    "other-root": other,
                    "stranger": _signer(
                        "other-root",
                        "2020-01-01T00:00:00+0000",
                        "2400-01-01T00:00:00+0000",
                        "interm",
                    ),
                },
                "services": {
                    "ocsp": {
                        "interm": {
                            "for-issuer": "interm",
                            "responder-cert": "ocsp",
                            "signing-key": "ocsp",
                        }
                    },
                    "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
                },
            }
        },
    }


@dataclass
class TestPKI:
    __test__ = False  # not a test class
    url: str
    arch: Any
    folder: Path

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/test/tsa/tsa"

    def pem(self, label: str) -> bytes:
        from asn1crypto import pem

        return pem.armor("CERTIFICATE", self.arch.get_cert(label).dump())

    def p12(self, label: str = "unit", password: bytes | None = PASSWORD) -> bytes:
        return bytes(self.arch.package_pkcs12(label, password=password))

    def root_file(self, label: str = "root") -> Path:
        path = self.folder / f"{label}.pem"
        path.write_bytes(self.pem(label))
        return path


def _keys(folder: Path) -> None:
    for name in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (folder / f"{name}.key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


@contextmanager
def test_pki(folder: Path) -> Iterator[TestPKI]:
    """Build the PKI in ``folder`` and serve its OCSP and TSA on 127.0.0.1 until exit."""
    _keys(folder)
    holder: dict[str, Any] = {}

    def app(environ: Any, start_response: Any) -> Any:
        return holder["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    cfg = CertomancerConfig(yaml.safe_load(yaml.safe_dump(config(url))), key_search_dir=str(folder))
    arch = cfg.get_pki_arch("test")
    holder["app"] = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TestPKI(url=url, arch=arch, folder=folder)
    finally:
        server.shutdown()
        thread.join(timeout=10)
