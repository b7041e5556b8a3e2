"""Reports as one self-contained HTML page that reads well on screen and prints well.

No external files, scripts or fonts: the CSS is inline and charts are small inline SVG
drawn here (a bar chart needs a scale, bars and labels — not a charting library). Every
text from the journal is escaped. Coordinates are computed with Decimal, like the money.
"""

from __future__ import annotations

import html
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from textledger.reports.monthend import BarChart, Pack, PackSection, Series, Table

PALETTE = ("#2f6f4f", "#c8553d", "#3d6fb6", "#b08a2e", "#7a4f9a", "#4a8a8c")
_LINE_INK = "#1d232a"

_CSS = """
:root { --ink: #1d232a; --muted: #5d6670; --rule: #d5dae0; --head: #f2f4f6; --good: #1f7a45; --bad: #b3261e; }
* { box-sizing: border-box; }
body { font: 13px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 28px 32px 40px; }
header { border-bottom: 3px solid var(--ink); margin-bottom: 18px; padding-bottom: 8px; }
h1 { font-size: 22px; margin: 0 0 2px; }
.subtitle { color: var(--muted); margin: 0; }
section { margin: 0 0 26px; break-inside: avoid-page; page-break-inside: avoid; }
h2 { font-size: 15px; margin: 0 0 8px; padding-bottom: 3px; border-bottom: 1px solid var(--rule); }
.row { display: flex; flex-wrap: wrap; gap: 18px 28px; align-items: flex-start; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 10px; vertical-align: top; }
th { background: var(--head); font-weight: 600; text-align: right; border-bottom: 1px solid var(--rule); }
th:first-child, td:first-child { text-align: left; }
td { text-align: right; white-space: nowrap; }
tr.heading td { font-weight: 700; padding-top: 9px; }
tr.spacer td { height: 8px; }
tr.total td { font-weight: 700; border-top: 1px solid var(--ink); }
tr.computed td:first-child { font-style: italic; }
tr.subheading td { font-weight: 600; padding-top: 5px; }
td.good { color: var(--good); }
td.bad { color: var(--bad); }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
figure { margin: 0; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11px -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
footer { color: var(--muted); font-size: 11px; border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4; margin: 14mm; }
@media print { main { padding: 0; max-width: none; } body { font-size: 10.5px; } section { margin-bottom: 16px; } }
"""
STYLE = _CSS
"""The pages' style sheet (the web view's pages use it too)."""


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def table_html(table: Table) -> str:
    head = "".join(f"<th>{_escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = []
        for index, text in enumerate(row.cells):
            tone = row.tones[index] if index < len(row.tones) else ""
            content = "<br>".join(_escape(line) for line in text.split("\n"))
            if index == 0:
                style = f' style="padding-left:{10 + 16 * row.depth}px"' if row.depth else ""
                cells.append(f"<td{style}>{content}</td>")
            else:
                cells.append(f'<td class="{tone}">{content}</td>' if tone else f"<td>{content}</td>")
        body.append(f'<tr class="{row.kind}">' + "".join(cells) + "</tr>")
    caption = f"<caption>{_escape(table.title)}</caption>" if table.title else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body) + "\n</tbody></table>"


# ---------------------------------------------------------------- SVG bar charts


def _nice_step(span: Decimal, ticks: int = 4) -> Decimal:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines over `span`."""
    if span <= 0:
        return Decimal(1)
    raw = span / ticks
    magnitude = Decimal(1).scaleb(raw.adjusted())
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def _compact(value: Decimal) -> str:
    """Axis labels: 40k, 1.5M, 900."""
    size = abs(value)
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "k")):
        if size >= limit:
            scaled = (value / limit).normalize()
            text = format(scaled.quantize(Decimal("0.1")).normalize(), "f")
            return f"{text}{suffix}"
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _number(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.1")), "f")


def chart_svg(chart: BarChart, width: int = 520, height: int = 210, *, line: Series | None = None,
              floor: Decimal | None = None) -> str:
    """Grouped bars with a labelled value axis and a legend; optionally a `line` series
    drawn over the bars (a point per label) and a dashed horizontal `floor`."""
    left, right, top, bottom = 46, 8, 26, 24
    plot_w, plot_h = Decimal(width - left - right), Decimal(height - top - bottom)
    values = [v for s in chart.series for v in s.values]
    values += list(line.values) if line is not None else []
    values += [floor] if floor is not None else []
    low, high = min(values + [Decimal(0)]), max(values + [Decimal(0)])
    step = _nice_step(high - low)
    low = (low / step).to_integral_value(ROUND_FLOOR) * step
    high = max((high / step).to_integral_value(ROUND_CEILING) * step, low + step)

    def y(value: Decimal) -> Decimal:
        return Decimal(top) + (high - value) * plot_h / (high - low)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{_escape(chart.title)}">',
             f"<title>{_escape(chart.title)}</title>"]
    tick = low
    while tick <= high:
        ty = _number(y(tick))
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{ty}" y2="{ty}" stroke="#e3e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{ty}" dy="3.5" text-anchor="end">{_compact(tick)}</text>')
        tick += step
    groups = max(len(chart.labels), 1)
    group_w = plot_w / groups
    bar_w = group_w * Decimal("0.8") / max(len(chart.series), 1)
    zero = y(Decimal(0))
    for index, text in enumerate(chart.labels):
        x0 = Decimal(left) + group_w * index + group_w * Decimal("0.1")
        for number, series in enumerate(chart.series):
            value = series.values[index]
            top_y, bottom_y = (y(value), zero) if value >= 0 else (zero, y(value))
            colour = PALETTE[number % len(PALETTE)]
            parts.append(f'<rect x="{_number(x0 + bar_w * number)}" y="{_number(top_y)}" width="{_number(bar_w)}" '
                         f'height="{_number(bottom_y - top_y)}" fill="{colour}">'
                         f"<title>{_escape(text)} {_escape(series.name)}: {format(value, ',f')}</title></rect>")
        parts.append(f'<text x="{_number(x0 + group_w * Decimal("0.4"))}" y="{height - bottom + 15}" '
                     f'text-anchor="middle">{_escape(text)}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{_number(zero)}" y2="{_number(zero)}" stroke="#8a939c"/>')
    if floor is not None:
        fy = _number(y(floor))
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{fy}" y2="{fy}" stroke="{_LINE_INK}" '
                     f'stroke-dasharray="6 4"><title>floor: {format(floor, ",f")}</title></line>')
    if line is not None:
        points = [(Decimal(left) + group_w * index + group_w / 2, y(value)) for index, value in enumerate(line.values)]
        parts.append(f'<polyline fill="none" stroke="{_LINE_INK}" stroke-width="2" points="'
                     + " ".join(f"{_number(px)},{_number(py)}" for px, py in points) + '"/>')
        parts += [f'<circle cx="{_number(px)}" cy="{_number(py)}" r="2.5" fill="{_LINE_INK}">'
                  f"<title>{_escape(text)} {_escape(line.name)}: {format(value, ',f')}</title></circle>"
                  for (px, py), text, value in zip(points, chart.labels, line.values)]
    x = left
    for number, series in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="8" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14}" y="17">{_escape(series.name)}</text>')
        x += 24 + 7 * len(series.name)
    keys = ((line.name if line else None, ""), ("floor" if floor is not None else None, ' stroke-dasharray="6 4"'))
    for name, dash in keys:
        if name is not None:
            parts.append(f'<line x1="{x}" x2="{x + 14}" y1="13" y2="13" stroke="{_LINE_INK}" stroke-width="2"{dash}/>'
                         f'<text x="{x + 18}" y="17">{_escape(name)}</text>')
            x += 28 + 7 * len(name)
    parts.append("</svg>")
    return "\n".join(parts)


# ---------------------------------------------------------------- pages


def section_html(section: PackSection) -> str:
    inner = [f"<h2>{_escape(section.title)}</h2>", '<div class="row">']
    inner += [table_html(table) for table in section.tables]
    inner += [f"<figure><figcaption>{_escape(chart.title)}</figcaption>{chart_svg(chart)}</figure>"
              for chart in section.charts]
    inner.append("</div>")
    inner += [f'<p class="note">{_escape(note)}</p>' for note in section.notes]
    return f'<section id="{_escape(section.key)}">\n' + "\n".join(inner) + "\n</section>"


def page_html(title: str, subtitle: str, sections: tuple[PackSection, ...] | list[PackSection],
              footer: str = "Made with textledger from the journal's plain text.") -> str:
    """A complete HTML document: header, sections, footer; nothing loaded from elsewhere."""
    return document_html(title, subtitle, "\n".join(section_html(section) for section in sections), footer)


def document_html(title: str, subtitle: str, body: str,
                  footer: str = "Made with textledger from the journal's plain text.") -> str:
    """The page around `body` (HTML already escaped): the header, the style, the footer."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            f"<header><h1>{_escape(title)}</h1>"
            + (f'<p class="subtitle">{_escape(subtitle)}</p>' if subtitle else "")
            + f"</header>\n{body}\n<footer>{_escape(footer)}</footer>\n</main>\n</body>\n</html>\n")


def pack_html(pack: Pack) -> str:
    return page_html(pack.title, pack.subtitle, pack.sections)
