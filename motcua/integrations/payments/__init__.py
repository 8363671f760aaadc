"""The payment-provider interface (docs/payments.md) and the provider in use.

A provider is chosen by ``settings.MOTCUA_PAYMENT_PROVIDER``: ``sandbox`` (the default, the
built-in sandbox, which moves no money), ``national`` (the national payment platform,
``payments.national``) or a dotted path to a class."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DEFAULT_PROVIDER = "motcua.integrations.payments.sandbox.SandboxProvider"
# Short names accepted by MOTCUA_PAYMENT_PROVIDER besides a dotted path.
PROVIDERS = {
    "sandbox": DEFAULT_PROVIDER,
    "national": "motcua.integrations.payments.national.NationalPaymentProvider",
}


@dataclass(frozen=True)
class PaymentRequest:
    """What we ask the provider to collect."""

    reference: str  # ours, unique, 64 characters at most
    amount: int  # đồng
    description: str
    return_url: str  # where the provider sends the citizen's browser back
    callback_url: str  # where the provider notifies us server to server (IPN)


@dataclass(frozen=True)
class PaymentOutcome:
    """What the provider says happened, after its signature was checked."""

    reference: str
    paid: bool
    provider_reference: str = ""
    amount: int | None = None
    message: str = ""
    raw: dict[str, str] = field(default_factory=dict)
    # The provider has not decided yet (the citizen came back before paying): nothing changes.
    pending: bool = False


class PaymentVerificationError(Exception):
    """The return or callback parameters were not signed by the provider."""


class PaymentUnavailable(Exception):
    """The provider is not configured, down, slow or refused the call: try again later."""


@runtime_checkable
class PaymentProvider(Protocol):
    """A payment gateway. ``start`` returns the URL to send the citizen to; ``verify``
    checks the parameters of the return redirect or the callback and says what happened.
    Neither touches a dossier: ``motcua.integrations.services`` does, once verified."""

    name: str
    label: StrOrPromise
    is_test: bool

    def start(self, request: PaymentRequest) -> str: ...

    def verify(self, params: dict[str, str]) -> PaymentOutcome: ...


def payment_provider() -> PaymentProvider:
    path = getattr(settings, "MOTCUA_PAYMENT_PROVIDER", "") or DEFAULT_PROVIDER
    path = PROVIDERS.get(path, path)
    provider: PaymentProvider = import_string(path)()
    return provider
