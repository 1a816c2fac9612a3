"""The account's own part of a data export. Secrets (hashes, tokens) are never exported."""

from __future__ import annotations

from server.auth.models import Account, RecoveryCode, Session
from server.clock import iso


async def account_export(account: Account) -> dict:
    sessions = await Session.filter(account_id=account.id).order_by("created_at")
    codes = await RecoveryCode.filter(account_id=account.id).order_by("created_at", "lookup")
    return {
        "account": {
            "id": str(account.id),
            "username": account.username,
            "displayName": account.display_name,
            "role": account.role.value,
            "createdAt": iso(account.created_at),
            "updatedAt": iso(account.updated_at),
            # The public halves only: the private ones are sealed and of no use to read.
            "publicKeys": {
                "encryptionAlgorithm": account.encryption_algorithm,
                "encryptionKey": account.encryption_key,
                "signingAlgorithm": account.signing_algorithm,
                "signingKey": account.signing_key,
                "changedAt": iso(account.keys_changed_at),
            }
            if account.encryption_key
            else None,
        },
        "sessions": [
            {
                "id": str(s.id),
                "deviceLabel": s.device_label,
                "createdAt": iso(s.created_at),
                "lastSeenAt": iso(s.last_seen_at),
                "expiresAt": iso(s.expires_at),
            }
            for s in sessions
        ],
        "recoveryCodes": [
            {"createdAt": iso(c.created_at), "usedAt": iso(c.used_at)} for c in codes
        ],
    }
