"""Server-rendered SVG charts: no JavaScript, printable, with a table beside them."""

from __future__ import annotations

from html import escape
from typing import Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

SERIES = (
    ("received", pgettext_lazy("report", "Tiếp nhận"), "#1f5fa8"),
    ("resolved_early", _("Trước hạn"), "#2e7d32"),
    ("resolved_on_time", _("Đúng hạn"), "#8bc34a"),
    ("resolved_late", _("Quá hạn"), "#c62828"),
)


def trend_svg(months: list[dict[str, Any]], *, title: str) -> str:
    """Grouped bars per month: received, and resolved stacked early/on time/late."""
    width, height = 760, 300
    left, right, top, bottom = 48, 12, 28, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(
        [max(m["received"], m["resolved_early"] + m["resolved_on_time"] + m["resolved_late"])
         for m in months] + [1]
    )  # fmt: skip
    step = _nice_step(peak)
    top_value = step * -(-peak // step)
    n = max(len(months), 1)
    slot = plot_w / n
    bar = max(min(slot * 0.35, 28), 2)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        'role="img" aria-labelledby="trend-title" class="chart" '
        'font-family="sans-serif" font-size="11">',
        f'<title id="trend-title">{escape(title)}</title>',
    ]
    for i in range(0, int(top_value) + 1, int(step)):
        y = top + plot_h - plot_h * i / top_value
        out.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444">{i}</text>')
    for i, m in enumerate(months):
        x0 = left + i * slot + (slot - 2 * bar - 2) / 2
        h = plot_h * m["received"] / top_value
        out.append(
            f'<rect x="{x0:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
            f'fill="{SERIES[0][2]}"><title>{escape(m["label"])}: '
            + gettext("tiếp nhận %(count)s") % {"count": m["received"]}
            + "</title></rect>"
        )
        y = top + plot_h
        for key, label, colour in SERIES[1:]:
            h = plot_h * m[key] / top_value
            y -= h
            out.append(
                f'<rect x="{x0 + bar + 2:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(m["label"])}: '
                f"{str(label).lower()} {m[key]}</title></rect>"
            )
        out.append(
            f'<text x="{left + i * slot + slot / 2:.1f}" y="{top + plot_h + 16}" '
            f'text-anchor="middle" fill="#222">{escape(m["label"])}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" '
        f'y2="{top + plot_h}" stroke="#222"/>'
    )
    lx = left
    for _key, label, colour in SERIES:
        out.append(f'<rect x="{lx}" y="{height - 18}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 8}" fill="#222">{escape(str(label))}</text>')
        lx += 110
    out.append("</svg>")
    return "".join(out)


def _nice_step(peak: int) -> int:
    raw = max(peak / 5, 1)
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for m in (1, 2, 5, 10):
        if raw <= m * magnitude:
            return int(m * magnitude)
    return int(10 * magnitude)
