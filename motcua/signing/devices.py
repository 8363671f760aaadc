"""Signing devices: where a unit's private key lives and how a signature is made with it.

A device turns a unit into a pyHanko ``Signer`` for the time of one signature
(``device.signer(unit)`` is a context manager: a PKCS#11 session is opened and closed
around it). MotCua ships three, chosen by ``MOTCUA_SIGNING_DEVICE``:

- ``pkcs12`` (default): the certificate and key added with ``motcua signing
  add-certificate``, the key encrypted at rest in the database;
- ``pkcs11``: a hardware token or HSM through its PKCS#11 module (python-pkcs11 through
  pyHanko's pkcs11 support); the unit's key and certificate carry the label
  ``MOTCUA_PKCS11_KEY_LABEL`` (``{unit}`` becomes the unit code);
- ``remote``: a remote-signing service over HTTP (docs/signing.md describes the two calls);
  the key never reaches MotCua, which sends the digest to be signed.

A province plugs in another device by writing a class with the same ``signer`` method
and naming its dotted path in ``MOTCUA_SIGNING_DEVICE``.
"""

from __future__ import annotations

import base64
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import httpx
from asn1crypto import pem as asn1_pem
from asn1crypto import x509
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.signing.models import SigningCertificate
from motcua.units.models import Unit


class NoCertificate(Exception):
    """The unit (nor any unit above it) has no usable signing certificate."""


class DeviceError(Exception):
    """The device could not sign (token missing, wrong PIN, service down)."""


@dataclass(frozen=True)
class DeviceSigner:
    """A pyHanko signer for one unit, and the certificate row it came from (pkcs12)."""

    signer: signers.Signer
    record: SigningCertificate | None = None


class SigningDevice(Protocol):
    name: str

    def signer(self, unit: Unit) -> contextlib.AbstractContextManager[DeviceSigner]: ...


def certs_from_pem(text: str | bytes) -> list[x509.Certificate]:
    data = text.encode() if isinstance(text, str) else text
    if not data.strip():
        return []
    return list(load_certs_from_pemder_data(data))


def certs_to_pem(certs: list[x509.Certificate]) -> str:
    return "".join(asn1_pem.armor("CERTIFICATE", c.dump()).decode() for c in certs)


def unit_certificate(unit: Unit) -> SigningCertificate:
    """The unit's active certificate valid now, else its nearest parent's (a commune's result
    may be signed by the district's certificate when the commune has none)."""
    now = timezone.now()
    current: Unit | None = unit
    for _ in range(8):  # units nest a few levels deep at most
        if current is None:
            break
        cert = (
            SigningCertificate.objects.filter(
                unit=current, active=True, not_before__lte=now, not_after__gt=now
            )
            .order_by("-not_after")
            .first()
        )
        if cert is not None:
            return cert
        current = current.parent
    raise NoCertificate(f"Đơn vị {unit.name} chưa có chứng thư số còn hiệu lực.")


class Pkcs12Device:
    name = "pkcs12"

    @contextlib.contextmanager
    def signer(self, unit: Unit) -> Iterator[DeviceSigner]:
        from pyhanko.keys import load_private_key_from_pemder_data

        record = unit_certificate(unit)
        (cert,) = certs_from_pem(record.certificate_pem)
        key = load_private_key_from_pemder_data(record.key_pem.encode(), passphrase=None)
        yield DeviceSigner(
            signers.SimpleSigner(
                signing_cert=cert,
                signing_key=key,
                cert_registry=SimpleCertificateStore.from_certs(certs_from_pem(record.chain_pem)),
            ),
            record,
        )


class Pkcs11Device:
    name = "pkcs11"

    @contextlib.contextmanager
    def signer(self, unit: Unit) -> Iterator[DeviceSigner]:
        from pkcs11 import PKCS11Error
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign import pkcs11 as p11

        module = settings.MOTCUA_PKCS11_MODULE
        if not module:
            raise DeviceError("MOTCUA_PKCS11_MODULE is not set")
        label = settings.MOTCUA_PKCS11_KEY_LABEL.replace("{unit}", unit.code)
        try:
            session = p11.open_pkcs11_session(
                module,
                token_criteria=TokenCriteria(label=settings.MOTCUA_PKCS11_TOKEN or None),
                user_pin=settings.MOTCUA_PKCS11_PIN or None,
            )
        except (PKCS11Error, OSError, RuntimeError) as exc:
            raise DeviceError(f"cannot open the PKCS#11 token: {exc!r}") from exc
        try:
            try:
                signer = p11.PKCS11Signer(session, cert_label=label, key_label=label)
                cert = signer.signing_cert  # pulled now: a missing key is a clear error
            except (PKCS11Error, Exception) as exc:
                raise NoCertificate(
                    f"Thiết bị ký không có khóa và chứng thư nhãn {label!r} của {unit.name}."
                ) from exc
            from motcua.signing.trust import chain_for

            # The token holds the unit's certificate; its CA chain comes from the trust
            # anchors MotCua knows, so the signature carries the whole path.
            signer.cert_registry.register_multiple(chain_for(cert))
            yield DeviceSigner(signer)
        finally:
            session.close()


class RemoteSigner(signers.Signer):
    """A pyHanko signer whose raw signature is made by a remote-signing service."""

    def __init__(self, *, url: str, unit: Unit, certs: list[x509.Certificate]) -> None:
        super().__init__(
            signing_cert=certs[0], cert_registry=SimpleCertificateStore.from_certs(certs[1:])
        )
        self.url, self.unit = url, unit

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        cert = self.signing_cert
        assert cert is not None
        bits = cert.public_key.bit_size
        if dry_run:  # pyHanko sizes the signature placeholder
            return bytes(
                (bits + 7) // 8 if cert.public_key.algorithm == "rsa" else 2 * bits // 8 + 9
            )
        async with httpx.AsyncClient(timeout=settings.MOTCUA_SIGNING_TIMEOUT) as client:
            try:
                response = await client.post(
                    f"{self.url}/sign",
                    headers=_remote_headers(),
                    json={
                        "unit": self.unit.code,
                        "digest_algorithm": digest_algorithm,
                        "data": base64.b64encode(data).decode(),
                    },
                )
                response.raise_for_status()
                return base64.b64decode(response.json()["signature"])
            except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
                raise DeviceError(f"the remote-signing service failed: {exc!r}") from exc


def _remote_headers() -> dict[str, str]:
    token = settings.MOTCUA_SIGNING_REMOTE_TOKEN
    return {"Authorization": f"Bearer {token}"} if token else {}


class RemoteDevice:
    name = "remote"

    @contextlib.contextmanager
    def signer(self, unit: Unit) -> Iterator[DeviceSigner]:
        url = settings.MOTCUA_SIGNING_REMOTE_URL
        if not url:
            raise DeviceError("MOTCUA_SIGNING_REMOTE_URL is not set")
        try:
            response = httpx.get(
                f"{url}/certificate",
                params={"unit": unit.code},
                headers=_remote_headers(),
                timeout=settings.MOTCUA_SIGNING_TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise DeviceError(f"the remote-signing service is unreachable: {exc!r}") from exc
        if response.status_code == 404:
            raise NoCertificate(f"Dịch vụ ký từ xa không có chứng thư của {unit.name}.")
        try:
            response.raise_for_status()
            certs = certs_from_pem(response.json()["certificate"])
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            raise DeviceError(f"the remote-signing service answered badly: {exc!r}") from exc
        if not certs:
            raise NoCertificate(f"Dịch vụ ký từ xa không có chứng thư của {unit.name}.")
        yield DeviceSigner(RemoteSigner(url=url, unit=unit, certs=certs))


DEVICES: dict[str, type] = {"pkcs12": Pkcs12Device, "pkcs11": Pkcs11Device, "remote": RemoteDevice}


def signing_device() -> SigningDevice:
    name = settings.MOTCUA_SIGNING_DEVICE or "pkcs12"
    cls = DEVICES.get(name) or import_string(name)
    return cls()
