"""Other apps react to dossier events inside the same transaction (statistics summaries,
official forms) by registering a hook here from their ``AppConfig.ready``. The dossiers
app does not import them, so the dependency points one way."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier, DossierEvent

EventHook = Callable[["Dossier", "DossierEvent"], None]
_hooks: list[EventHook] = []


def register_event_hook(hook: EventHook) -> None:
    """Call ``hook(dossier, event)`` after every appended event, in its transaction: if the
    hook fails, the action fails and nothing is written."""
    if hook not in _hooks:
        _hooks.append(hook)


def run_event_hooks(dossier: Dossier, event: DossierEvent) -> None:
    for hook in _hooks:
        hook(dossier, event)
