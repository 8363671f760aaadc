"""Channels of the outbox: each outside system registers one handler (STYLE.md §13: one
outbox, many channels). A handler delivers one message or raises one of the two errors
below; anything else it raises counts as a retryable failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.outbox.models import OutboxMessage


class RetryableError(Exception):
    """The receiver could not take the message now (down, slow, busy): try again later."""


class PermanentError(Exception):
    """The message can never be delivered as it is (bad address, refused): dead at once."""


Handler = Callable[["OutboxMessage"], None]


@dataclass(frozen=True)
class Channel:
    name: str
    handler: Handler
    label: str
    max_attempts: int = 8


_channels: dict[str, Channel] = {}


def register_channel(
    name: str, handler: Handler, *, label: str = "", max_attempts: int = 8
) -> None:
    """Register (or replace) the handler of a channel; called from ``AppConfig.ready``."""
    _channels[name] = Channel(name, handler, label or name, max_attempts)


def channel_get(name: str) -> Channel | None:
    return _channels.get(name)


def channels_all() -> list[Channel]:
    return sorted(_channels.values(), key=lambda c: c.name)
