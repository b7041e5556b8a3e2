"""Turning report rows into text (tabulate), CSV or JSON. The engine never formats.

Amounts reach this module already formatted as strings: tabulate would otherwise turn
Decimals into floats (`1.23457e+16`), so number parsing is switched off.
"""

from __future__ import annotations

import csv
import io
import json

from tabulate import tabulate

FORMATS = ("text", "csv", "json")


def text_table(rows: list[list[str]], headers: list[str] | None = None, colalign: tuple[str, ...] | None = None) -> str:
    """An aligned table; leading spaces in cells (tree indentation) are kept."""
    if not rows:
        return ""
    return tabulate(rows, headers=headers or (), tablefmt="simple" if headers else "plain",
                    disable_numparse=True, colalign=colalign, preserve_whitespace=True) + "\n"


def csv_table(headers: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue()


def json_text(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
