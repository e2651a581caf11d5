"""Writing tables to .xlsx: the common language of the programme's officials.

A sheet starts with a few title lines (what, where, when, which filters, and a synthetic
data warning when it applies), then one header row and the data, with frozen headers,
an autofilter and column widths that fit Chinese text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import xlsxwriter

from zhizao.core.textwidth import display_width

Cell = str | int | float | date | datetime | None


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    kind: str = "text"  # text | number | percent | date
    decimals: int = 2
    max_width: int = 60


@dataclass(slots=True)
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    title_lines: Sequence[str] = field(default_factory=list)
    warning: str = ""


def workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True}
    )
    warn = book.add_format({"bold": True, "bg_color": "#FFF4D6", "font_color": "#7A5A00"})
    muted = book.add_format({"font_color": "#5F6B7A"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    number_fmts: dict[tuple[str, int], object] = {}

    def number_fmt(kind: str, decimals: int) -> object:
        key = (kind, decimals)
        if key not in number_fmts:
            zeros = "0" * decimals
            pattern = "#,##0" + (f".{zeros}" if decimals else "")
            number_fmts[key] = book.add_format({"num_format": pattern, "valign": "top"})
        return number_fmts[key]

    for sheet in sheets:
        ws = book.add_worksheet(sheet.name[:31])
        row = 0
        for i, line in enumerate(sheet.title_lines):
            ws.write_string(row, 0, line, bold if i == 0 else muted)
            row += 1
        if sheet.warning:
            ws.write_string(row, 0, sheet.warning, warn)
            row += 1
        if row:
            row += 1
        header_row = row
        widths = [display_width(c.title) + 2 for c in sheet.columns]
        for col, column in enumerate(sheet.columns):
            ws.write_string(header_row, col, column.title, head)
        for r, values in enumerate(sheet.rows, start=header_row + 1):
            for col, (column, value) in enumerate(zip(sheet.columns, values, strict=True)):
                if value is None or value == "":
                    continue
                if column.kind in ("number", "percent") and isinstance(value, int | float):
                    ws.write_number(r, col, value, number_fmt(column.kind, column.decimals))
                    text_width = len(f"{value:,.{column.decimals}f}")
                elif isinstance(value, datetime | date):
                    ws.write_datetime(r, col, value, date_fmt)
                    text_width = 12
                else:
                    text = str(value)
                    ws.write_string(r, col, text, wrap)
                    text_width = display_width(text)
                widths[col] = max(widths[col], min(text_width + 2, column.max_width))
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(header_row + 1, 0)
        last = header_row + len(sheet.rows)
        ws.autofilter(header_row, 0, max(last, header_row), len(sheet.columns) - 1)
    book.close()
    return out.getvalue()
