from __future__ import annotations

from django.http import HttpRequest

from zhizao.accounts.domain import ROLE_LABELS
from zhizao.accounts.selectors import NO_ACCESS, Access, access_for


def access(request: HttpRequest) -> dict[str, Access | str]:
    """The user's access for the navigation (the views enforce it, the menu only mirrors it)."""
    # A request refused early (a bad Host header) is rendered before authentication ran.
    user = getattr(request, "user", None)
    acc = access_for(user) if user is not None else NO_ACCESS
    role = ""
    if acc.role is not None:
        zh, en = ROLE_LABELS[acc.role]
        role = en if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else zh
    return {"access": acc, "role_label": role}
