"""A person's complete data export: every domain contributes its own sections."""

from __future__ import annotations

from server.auth.export import account_export
from server.auth.models import Account
from server.clock import now
from server.sharing.export import sharing_export
from server.sync.export import records_export

EXPORT_FORMAT = "between-export"
EXPORT_VERSION = 1

# Each returns a dict of top-level sections; later domains add theirs here.
SECTIONS = [account_export, records_export, sharing_export]


async def export_everything(account: Account) -> dict:
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exportedAt": now().isoformat(),
    }
    for section in SECTIONS:
        document.update(await section(account))
    return document
