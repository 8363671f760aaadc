"""Form fields rendered with their label, help and errors tied to the input (WCAG 3.3.1):
``aria-describedby`` names the help and the error, ``aria-invalid`` marks a wrong field."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def field(bound: Any, **attrs: Any) -> SafeString:
    """The whole field: ``<div class=form-field>`` with label, help, errors and widget."""
    widget_id = bound.id_for_label or bound.auto_id
    described = []
    help_html: SafeString | str = ""
    error_html: SafeString | str = ""
    if bound.help_text:
        described.append(f"{widget_id}-help")
        help_html = format_html('<p class="help" id="{}-help">{}</p>', widget_id, bound.help_text)
    if bound.errors:
        described.append(f"{widget_id}-error")
        error_html = format_html(
            '<p class="field-error" id="{}-error">{}</p>',
            widget_id,
            format_html_join(" ", "{}", ((e,) for e in bound.errors)),
        )
    widget_attrs = {k.replace("_", "-"): v for k, v in attrs.items() if k != "css"}
    # Django adds aria-describedby for help text on its own; ours names the error too.
    widget_attrs["aria-describedby"] = " ".join(described) if described else None
    if bound.errors:
        widget_attrs["aria-invalid"] = "true"
    widget = bound.as_widget(attrs={k: v for k, v in widget_attrs.items() if v is not None})
    if not described:
        widget = widget.replace(' aria-describedby=""', "")
    required = (
        mark_safe(' <span class="required" aria-hidden="true">*</span>')
        if bound.field.required
        else ""
    )
    css = "form-field" + (f" {attrs['css']}" if "css" in attrs else "")
    if bound.errors:
        css += " has-error"
    return format_html(
        '<div class="{}"><label for="{}">{}{}</label>{}{}{}</div>',
        css,
        widget_id,
        bound.label,
        required,
        help_html,
        error_html,
        mark_safe(widget),  # noqa: S308 - rendered by Django's widget templates
    )
