"""Other apps react to dossier events inside the same transaction (statistics summaries,
official forms) by registering a hook here from their ``AppConfig.ready``. The dossiers
app does not import them, so the dependency points one way.

A history import (``motcua import-dossiers``) replays years of events through the same
services. Hooks that keep derived data right (statistics) must run then too; hooks that
only produce by-products of a live action (a PDF receipt, a message) may opt out with
``register_event_hook(hook, during_replay=False)`` or check ``is_replaying()``.

A hook whose derived data can be computed from the stored histories of many dossiers at
once (statistics) may also give ``batched``: while an import replays a batch of lines in
one transaction (``replay_batch``), the hook is not called per event; the ids of the
dossiers the batch wrote are handed to ``batched(ids)`` once, in the batch's transaction,
before it commits. ``batched`` must leave exactly what the per-event hook would have.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent

EventHook = Callable[["Dossier", "DossierEvent"], None]
BatchHook = Callable[[list[int]], None]
_hooks: list[tuple[EventHook, bool, BatchHook | None]] = []
_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "motcua_dossier_replaying", default=False
)
# The ids of the dossiers written by the batch being replayed, per batched hook.
_batch: contextvars.ContextVar[dict[BatchHook, set[int]] | None] = contextvars.ContextVar(
    "motcua_dossier_replay_batch", default=None
)


def register_event_hook(
    hook: EventHook, *, during_replay: bool = True, batched: BatchHook | None = None
) -> None:
    """Call ``hook(dossier, event)`` after every appended event, in its transaction: if the
    hook fails, the action fails and nothing is written. ``during_replay=False`` skips it
    while a history import replays events; ``batched`` takes its place for a batch of
    replayed dossiers (``replay_batch``)."""
    if all(registered is not hook for registered, _, _ in _hooks):
        _hooks.append((hook, during_replay, batched))


def run_event_hooks(dossier: Dossier, event: DossierEvent) -> None:
    replaying = _replaying.get()
    batch = _batch.get() if replaying else None
    for hook, during_replay, batched in _hooks:
        if replaying and not during_replay:
            continue
        if batch is not None and batched is not None:
            batch.setdefault(batched, set()).add(dossier.pk)
        else:
            hook(dossier, event)


def is_replaying() -> bool:
    """Whether the current events are replayed history (``motcua import-dossiers``)."""
    return _replaying.get()


@contextlib.contextmanager
def replay_batch() -> Iterator[None]:
    """Within a replay, inside the batch's transaction: the batched hooks collect the
    dossiers written, and run once for them when the block ends without an error (a line
    rolled back to its savepoint leaves no dossier for them to find)."""
    pending: dict[BatchHook, set[int]] = {}
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    for batched, ids in pending.items():
        batched(sorted(ids))


@contextlib.contextmanager
def replay_mode() -> Iterator[None]:
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)
