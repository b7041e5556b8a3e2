"""Turning report rows into text, CSV or JSON. The engine never formats.

Amounts reach this module already formatted as strings, so a table only aligns text. The
layout is tabulate's "simple" (with headers) and "plain" formats, written here: importing
tabulate (it brings in importlib.metadata, email and inspect) cost a cached `balance` about a
fifth of its time. tests/render/test_tables.py holds the layout to tabulate's.
"""

from __future__ import annotations

import io

FORMATS = ("text", "csv", "json")


def text_table(rows: list[list[str]], headers: list[str] | None = None, colalign: tuple[str, ...] | None = None) -> str:
    """An aligned table: columns two spaces apart, each as wide as its widest line (a header
    two more, under a rule of dashes); `colalign` gives each column's "left", "right" or
    "center" (default left). A cell of several lines (one amount per commodity) makes its
    row that tall, each line aligned on its own and the shorter cells' lines at the top.
    Leading spaces in cells (tree indentation) are kept, spaces at the end of a line are not
    written."""
    if not rows:
        return ""
    table = [[_lines(cell) for cell in row] for row in rows]
    heading = [_lines(cell) for cell in headers or ()]
    width = max(len(heading), max(len(row) for row in table))
    if heading:  # headers shorter than the rows name the last columns
        heading = [[""]] * (width - len(heading)) + heading
    table = [row + [[]] * (width - len(row)) for row in table]
    sizes = [max((len(line) for row in table for line in row[column]), default=0) for column in range(width)]
    if heading:
        sizes = [max(size, max(map(len, title), default=0) + 2) for size, title in zip(sizes, heading, strict=True)]
    aligns = [(colalign[column] if colalign and column < len(colalign) and colalign[column] else "left")
              for column in range(width)]
    out = _rows(heading, sizes, aligns) + ["  ".join("-" * size for size in sizes)] if heading else []
    for row in table:
        out.extend(_rows(row, sizes, aligns))
    return "\n".join(out) + "\n"


def _lines(cell: object) -> list[str]:
    """A cell's lines; a newline ends a line (as `str.splitlines` has it), so "" has none."""
    lines = ("" if cell is None else str(cell)).split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def _rows(cells: list[list[str]], sizes: list[int], aligns: list[str]) -> list[str]:
    """The text lines of one table row."""
    height = max((len(lines) for lines in cells), default=1) or 1
    return ["  ".join(_ALIGN[align](lines[index] if index < len(lines) else "", size)
                      for lines, size, align in zip(cells, sizes, aligns, strict=True)).rstrip()
            for index in range(height)]


_ALIGN = {"left": str.ljust, "right": str.rjust, "center": lambda cell, size: f"{cell:^{size}}"}


def csv_table(headers: list[str], rows: list[list[str]]) -> str:
    import csv  # here: a text report does not pay for importing it

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def json_text(value) -> str:
    import json  # here: a text report does not pay for importing it

    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
