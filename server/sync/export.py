"""Every synced record and the devices that synced them, for the person's own export."""

from __future__ import annotations

from server.auth.models import Account
from server.clock import iso
from server.sync.models import SyncDevice, SyncRecord

SEALED_NOTE = (
    'Everything with a "sealed" value was sealed on your own devices before it reached '
    "this server. The server cannot read it; only your devices, signed in to this "
    "account, can open it."
)


def record_entry(record: SyncRecord) -> dict:
    entry: dict = {
        "id": str(record.id),
        "kind": record.kind,
        "version": record.version,
        "deleted": record.deleted,
        "deletedAt": iso(record.deleted_at),
    }
    if record.sealed is None:
        entry["fields"] = record.data
    else:
        # The envelope as it came, and what the server knows about it: no words.
        entry["format"] = record.format
        entry["sealed"] = record.sealed
    entry["createdAt"] = iso(record.created_at)
    entry["updatedAt"] = iso(record.updated_at)
    return entry


async def records_export(account: Account) -> dict:
    records = await SyncRecord.filter(owner_id=account.id).order_by("version")
    devices = await SyncDevice.filter(account_id=account.id).order_by("created_at")
    return {
        "changeCounter": account.change_counter,
        "sealedRecords": SEALED_NOTE,
        "records": [record_entry(r) for r in records],
        "devices": [
            {"deviceId": d.device_id, "lastMutationId": d.last_mutation_id} for d in devices
        ],
    }
