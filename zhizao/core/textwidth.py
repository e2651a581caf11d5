"""Aligning text tables that mix Chinese (two columns wide) and Latin characters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def render_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, max_col: int = 40
) -> str:
    def clip(cell: str) -> str:
        if display_width(cell) <= max_col:
            return cell
        out = ""
        for ch in cell:
            if display_width(out + ch + "…") > max_col:
                break
            out += ch
        return out + "…"

    body = [[clip(c) for c in row] for row in rows]
    widths = [
        max([display_width(h)] + [display_width(r[i]) for r in body]) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    return "\n".join(lines)
