"""Static SVG charts, drawn at build time: no script, no network, every text escaped here.

The chart is one line of inline SVG wrapped in a ``div``, so Python-Markdown keeps it as a
raw HTML block and touches nothing inside it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

MIN_WIDTH = 160  # room for the two labels under a short chart
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text safe inside an XML/HTML element or a double-quoted attribute."""
    return html.escape(_CONTROL.sub("", text), quote=True)


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # the tooltip, e.g. "2026-W37: 12 messages"
    value: int


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    first_label: str = "",
    last_label: str = "",
    *,
    height: int = 60,
    width: int = 8,
    gap: int = 2,
) -> Markup:
    """A bar per value (scaled to the largest), a tooltip per bar, labels under both ends."""
    top = max((b.value for b in bars), default=0)
    step = width + gap
    chart_w = max(len(bars) * step - gap, MIN_WIDTH)
    total_h = height + 16
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart_w} {total_h}" '
        f'width="{chart_w}" height="{total_h}" role="img" aria-label="{xml_text(title)}" '
        f'style="max-width:100%;height:auto">',
        f"<title>{xml_text(title)}</title>",
        f'<line x1="0" y1="{height + 0.5}" x2="{chart_w}" y2="{height + 0.5}" stroke="currentColor" '
        'stroke-opacity="0.3"/>',
    ]
    for i, bar in enumerate(bars):
        h = 0 if top == 0 else max(round(bar.value * height / top), 1 if bar.value else 0)
        parts.append(
            f'<rect x="{i * step}" y="{height - h}" width="{width}" height="{h}" fill="currentColor" '
            f'fill-opacity="0.7"><title>{xml_text(bar.label)}</title></rect>'
        )
    if first_label:
        parts.append(
            f'<text x="0" y="{total_h - 2}" font-size="10" fill="currentColor">{xml_text(first_label)}</text>'
        )
    if last_label:
        parts.append(
            f'<text x="{chart_w}" y="{total_h - 2}" font-size="10" fill="currentColor" '
            f'text-anchor="end">{xml_text(last_label)}</text>'
        )
    parts.append("</svg>")
    return Markup(f'<div class="digest-chart" data-search-exclude>{"".join(parts)}</div>')
