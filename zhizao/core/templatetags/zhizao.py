from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value: float | Decimal | None, decimals: int = 2) -> str:
    """A figure with at most ``decimals`` decimals and no trailing zeros; — when missing."""
    if value is None or value == "":
        return "—"
    text = f"{float(value):,.{int(decimals)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


@register.filter
def label(obj: object, language_is_en: bool) -> str:
    """The English or Chinese name of a unit, indicator or department."""
    if language_is_en:
        return str(getattr(obj, "name_en", "") or getattr(obj, "title_en", "") or obj)
    return str(getattr(obj, "name", "") or getattr(obj, "title", "") or obj)


@register.filter
def get(mapping: dict[str, object], key: object) -> object:
    return mapping.get(str(key), "")
