"""Other apps react to dossier events inside the same transaction (statistics summaries,
official forms) by registering a hook here from their ``AppConfig.ready``. The dossiers
app does not import them, so the dependency points one way.

A history import (``motcua import-dossiers``) replays years of events through the same
services. Hooks that keep derived data right (statistics) must run then too; hooks that
only produce by-products of a live action (a PDF receipt, a message) may opt out with
``register_event_hook(hook, during_replay=False)`` or check ``is_replaying()``.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent

EventHook = Callable[["Dossier", "DossierEvent"], None]
_hooks: list[tuple[EventHook, bool]] = []
_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "motcua_dossier_replaying", default=False
)


def register_event_hook(hook: EventHook, *, during_replay: bool = True) -> None:
    """Call ``hook(dossier, event)`` after every appended event, in its transaction: if the
    hook fails, the action fails and nothing is written. ``during_replay=False`` skips it
    while a history import replays events."""
    if all(registered is not hook for registered, _ in _hooks):
        _hooks.append((hook, during_replay))


def run_event_hooks(dossier: Dossier, event: DossierEvent) -> None:
    replaying = _replaying.get()
    for hook, during_replay in _hooks:
        if during_replay or not replaying:
            hook(dossier, event)


def is_replaying() -> bool:
    """Whether the current events are replayed history (``motcua import-dossiers``)."""
    return _replaying.get()


@contextlib.contextmanager
def replay_mode() -> Iterator[None]:
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)
