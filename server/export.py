"""A person's complete data export: every domain contributes its own sections."""

from __future__ import annotations

from server.auth.models import Account
from server.clock import now
from server.domains import EXPORT_SECTIONS

EXPORT_FORMAT = "between-export"
EXPORT_VERSION = 1


async def export_everything(account: Account) -> dict:
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exportedAt": now().isoformat(),
    }
    # Each domain's part is a dict of top-level sections, in the order of DOMAINS.
    for section in EXPORT_SECTIONS:
        document.update(await section(account))
    return document
