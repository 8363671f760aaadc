"""``{% national_sync_panel dossier %}``: the dossier's state with the national portal."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.integrations.dvcqg.client import sync_enabled
from motcua.integrations.dvcqg.models import NationalSync

register = template.Library()


@register.inclusion_tag("integrations/national_sync_panel.html")
def national_sync_panel(dossier: Dossier) -> dict[str, Any]:
    sync = NationalSync.objects.filter(dossier_id=dossier.pk).first()
    return {"sync": sync, "enabled": sync_enabled(), "dossier": dossier}
