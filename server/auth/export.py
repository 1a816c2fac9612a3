"""The account's own part of a data export. Secrets (hashes, tokens) are never exported."""

from __future__ import annotations

from server.auth.models import Account, RecoveryCode, Session


def _when(value) -> str | None:
    return value.isoformat() if value else None


async def account_export(account: Account) -> dict:
    sessions = await Session.filter(account_id=account.id).order_by("created_at")
    codes = await RecoveryCode.filter(account_id=account.id).order_by("created_at", "lookup")
    return {
        "account": {
            "id": str(account.id),
            "username": account.username,
            "displayName": account.display_name,
            "role": account.role.value,
            "createdAt": _when(account.created_at),
            "updatedAt": _when(account.updated_at),
        },
        "sessions": [
            {
                "id": str(s.id),
                "deviceLabel": s.device_label,
                "createdAt": _when(s.created_at),
                "lastSeenAt": _when(s.last_seen_at),
                "expiresAt": _when(s.expires_at),
            }
            for s in sessions
        ],
        "recoveryCodes": [
            {"createdAt": _when(c.created_at), "usedAt": _when(c.used_at)} for c in codes
        ],
    }
