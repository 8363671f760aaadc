"""``{% fee_lines_panel dossier "workspace" %}`` (or ``"portal"``): the dossier's fee lines,
how each was collected, when, and its receipt."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier

register = template.Library()


@register.inclusion_tag("integrations/fee_lines_panel.html")
def fee_lines_panel(dossier: Dossier, audience: str = "workspace") -> dict[str, Any]:
    lines = list(dossier.fees.select_related("receipt"))
    return {
        "dossier": dossier,
        "lines": lines,
        "total": sum(line.amount for line in lines),
        "audience": audience,
    }
