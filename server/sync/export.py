"""Every synced record and the devices that synced them, for the person's own export."""

from __future__ import annotations

from server.auth.models import Account
from server.clock import iso
from server.sync.models import SyncDevice, SyncRecord


async def records_export(account: Account) -> dict:
    records = await SyncRecord.filter(owner_id=account.id).order_by("version")
    devices = await SyncDevice.filter(account_id=account.id).order_by("created_at")
    return {
        "changeCounter": account.change_counter,
        "records": [
            {
                "id": str(r.id),
                "kind": r.kind,
                "version": r.version,
                "deleted": r.deleted,
                "deletedAt": iso(r.deleted_at),
                "fields": r.data,
                "createdAt": iso(r.created_at),
                "updatedAt": iso(r.updated_at),
            }
            for r in records
        ],
        "devices": [
            {"deviceId": d.device_id, "lastMutationId": d.last_mutation_id} for d in devices
        ],
    }
