"""The month-end pack and its tables as plain text and Markdown (render/html.py: HTML)."""

from __future__ import annotations

from decimal import Decimal

from textledger.render import tables as render
from textledger.reports.monthend import BarChart, Pack, Table


def table_text(table: Table) -> str:
    """An aligned text table; a blank line before each section heading but the first."""
    rows: list[list[str]] = []
    for row in table.rows:
        if row.kind == "spacer" or (row.kind == "heading" and rows):
            rows.append([""] * len(row.cells))
        if row.kind == "spacer":
            continue
        rows.append(["  " * row.depth + row.cells[0]] + list(row.cells[1:]))
    align = ("left",) + ("right",) * (len(table.headers) - 1)
    return render.text_table(rows, list(table.headers), colalign=align)


def chart_text(chart: BarChart, width: int = 40) -> str:
    """A bar chart drawn with block characters, one bar per series and label."""
    peak = max((abs(v) for s in chart.series for v in s.values), default=Decimal(0))
    name_width = max((len(s.name) for s in chart.series), default=0)
    label_width = max((len(text) for text in chart.labels), default=0)
    lines = [chart.title]
    for index, text in enumerate(chart.labels):
        for number, series in enumerate(chart.series):
            value = series.values[index]
            length = int((abs(value) * width / peak).to_integral_value()) if peak else 0
            bar = ("█" if value >= 0 else "░") * length
            head = text if number == 0 else ""
            lines.append(f"{head:<{label_width}}  {series.name:<{name_width}}  {bar:<{width}}  {value:,.2f}")
    return "\n".join(lines) + "\n"


def pack_text(pack: Pack) -> str:
    out = [pack.title, pack.subtitle, ""]
    for section in pack.sections:
        out += [section.title, "=" * len(section.title), ""]
        for table in section.tables:
            if table.title:
                out.append(table.title)
            out.append(table_text(table))
        for chart in section.charts:
            out.append(chart_text(chart))
        out += [f"Note: {note}" for note in section.notes]
        if section.notes:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def table_markdown(table: Table) -> str:
    lines = ["| " + " | ".join(_markdown_cell(h) for h in table.headers) + " |",
             "|" + "|".join([":---"] + ["---:"] * (len(table.headers) - 1)) + "|"]
    for row in table.rows:
        if row.kind == "spacer":
            continue
        label_text = "\u00a0\u00a0" * row.depth + _markdown_cell(row.cells[0])
        cells = [label_text] + [_markdown_cell(c) for c in row.cells[1:]]
        if row.kind in ("heading", "total", "subheading") and label_text:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def pack_markdown(pack: Pack) -> str:
    out = [f"# {pack.title}", "", pack.subtitle, ""]
    for section in pack.sections:
        out += [f"## {section.title}", ""]
        for table in section.tables:
            if table.title:
                out += [f"### {table.title}", ""]
            out.append(table_markdown(table))
        for chart in section.charts:
            out += ["```text", chart_text(chart).rstrip("\n"), "```", ""]
        out += [f"> {note}" for note in section.notes]
        if section.notes:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
