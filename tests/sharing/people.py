"""Clients and therapists talking to the real app, and the sharing operations they use."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field

import httpx
from limits import parse

from tests.conftest import make_client
from tests.graphql_client import error_code, gql, register
from tests.sealed import reference
from tests.sync_client import letter as letter_content
from tests.sync_client import mutation, new_id, opened, pull_in_order, push

NEW_CODE = "mutation { newConnectCode { code expiresAt } }"
CODE_EXPIRES = "{ connectCodeExpiresAt }"
LOOK_UP = """
query LookUp($code: String!) {
  lookUpConnectCode(code: $code) { therapistName expiresAt alreadyLinked }
}
"""
LINK = """
mutation Link($code: String!) {
  linkWithTherapist(code: $code) { id personId personName linkedAt }
}
"""
LINKS = "{ sharingLinks { id personId personName linkedAt } }"
UNLINK = "mutation Unlink($id: ID!) { unlink(linkId: $id) }"
SHARE_FIELDS = """
  id letterId linkId therapistName title body note delivery deliverAt status edition
  sharedAt createdAt deliveredAt withdrawnAt cancelledAt
"""
SHARE = f"""
mutation Share($input: ShareLetterInput!) {{ shareLetter(input: $input) {{ {SHARE_FIELDS} }} }}
"""
CANCEL = f"mutation Cancel($id: ID!) {{ cancelShare(id: $id) {{ {SHARE_FIELDS} }} }}"
WITHDRAW = f"mutation Withdraw($id: ID!) {{ withdrawShare(id: $id) {{ {SHARE_FIELDS} }} }}"
RESEND = f"""
mutation Resend($id: ID!, $note: String, $letterVersion: Int, $title: String, $body: String) {{
  resendShare(id: $id, note: $note, letterVersion: $letterVersion, title: $title, body: $body) {{
    {SHARE_FIELDS}
  }}
}}
"""
MY_SHARES = f"query Mine($letter: ID) {{ myShares(letterId: $letter) {{ {SHARE_FIELDS} }} }}"
OPEN = """
mutation Open($id: ID!, $openedAt: String) {
  openSharedLetter(id: $id, openedAt: $openedAt) {
    id clientId clientName title body note sharedAt deliveredAt edition discussedInSession
  }
}
"""
REPORT_OPENING = """
mutation Report($id: ID!, $openedAt: String!) { reportOpening(id: $id, openedAt: $openedAt) }
"""
EXPORT = "{ exportMyData }"
PUBLIC_KEY_FIELDS = "accountId encryptionAlgorithm encryptionKey signingAlgorithm signingKey"
SET_KEY_PAIRS = f"""
mutation Set($input: KeyPairsInput!) {{
  setMyKeyPairs(input: $input) {{ {PUBLIC_KEY_FIELDS} sealedEncryptionKey sealedSigningKey }}
}}
"""
MY_KEY_PAIRS = f"{{ myKeyPairs {{ {PUBLIC_KEY_FIELDS} sealedEncryptionKey sealedSigningKey }} }}"
PUBLIC_KEYS = f"""
query Keys($id: ID!) {{ publicKeys(accountId: $id) {{ {PUBLIC_KEY_FIELDS} }} }}
"""
MARK_COMPARED = """
mutation Compared($id: ID!, $number: String!) {
  markSafetyNumberCompared(linkId: $id, safetyNumber: $number) {
    id personName comparedSafetyNumber
  }
}
"""
LINKS_COMPARED = "{ sharingLinks { id personId comparedSafetyNumber } }"

_devices = itertools.count(1)


@dataclass
class Person:
    """One signed-in account on one device."""

    http: httpx.AsyncClient
    username: str
    id: str = ""
    # The account key this device keeps, to seal the sealed kinds as a device does.
    key: bytes = b""
    device: str = field(default_factory=lambda: f"device-{next(_devices):06d}")
    next_mutation: int = 1
    cursor: str | None = None
    feed: dict[str, dict] = field(default_factory=dict)

    async def ask(self, query: str, variables: dict | None = None) -> dict:
        return await gql(self.http, query, variables)

    async def ok(self, query: str, variables: dict | None = None) -> dict:
        result = await self.ask(query, variables)
        assert "errors" not in result, result
        return result["data"]

    async def refused(self, query: str, variables: dict | None = None) -> str | None:
        """The error code of a request that must fail."""
        result = await self.ask(query, variables)
        assert result.get("data") is None or not any(result["data"].values()), result
        return error_code(result)

    async def push(self, mutations_: list[tuple]) -> list[dict]:
        """Push (record id, fields, options) triples; answers one result each."""
        batch = []
        for record_id, fields, options in mutations_:
            batch.append(mutation(self.next_mutation, record_id, fields, **options))
            self.next_mutation += 1
        return (await push(self.http, self.device, batch))["results"]

    def sealed(self, record_id: str, kind: str, content: object, **options) -> tuple:
        """A (record id, fields, options) triple for `push`: an upsert of a sealed kind,
        sealed with this account's key."""
        sealed = reference.seal_record(self.key, record_id, kind, 1, content)
        return (record_id, None, {"kind": kind, "sealed": sealed, "fmt": 1, **options})

    def letter(self, letter_id: str, content: dict, base: int | None = None) -> tuple:
        """A (record id, fields, options) triple for `push`: a letter as the device seals
        it, whole, on the version it was written on."""
        return self.sealed(letter_id, "letter", content, base=base)

    async def write(self, title: str, body: str, letter_id: str | None = None, **extra) -> str:
        """Create or edit a letter (on the version this device last heard of) and return
        its id. The server gets only the envelope."""
        letter_id = letter_id or new_id()
        known = self.feed.get(letter_id, {})
        content = letter_content(body, title, **extra)
        [result] = await self.push([self.letter(letter_id, content, known.get("version"))])
        assert result["status"] == "APPLIED", result
        self.feed[letter_id] = {**known, "version": result["version"], "content": content}
        return letter_id

    async def pull(self) -> list[dict]:
        """Pull what changed since the last pull into `feed`, sealed records opened into
        `content`; returns the new records."""
        records, self.cursor = await pull_in_order(self.http, self.cursor, limit=100)
        for record in records:
            if record["sealed"] is not None:
                record = {**record, "content": opened(record, self.key)}
            self.feed[record["id"]] = record
        return records

    async def words(self, letter_id: str) -> dict:
        """The letter as this device holds it after syncing, opened: what a share or a
        resend sends. A letter it does not have gets words of the right shape, so that
        the server's own answer about the letter is what a test sees."""
        await self.pull()
        record = self.feed.get(letter_id)
        if record is None or "content" not in record:
            return {"letterVersion": 1, "title": "", "body": "words"}
        content = record["content"]
        return {
            "letterVersion": record["version"],
            "title": content.get("title", ""),
            "body": content.get("body", ""),
        }

    async def resend(self, share: dict, **extra) -> dict:
        """resendShare's variables for one of this client's shares: its letter's words."""
        return {"id": share["id"], **await self.words(share["letterId"]), **extra}

    async def snapshots(self) -> dict[str, dict]:
        """The shared letters this therapist's device can see after syncing."""
        await self.pull()
        return {
            i: r["fields"]
            for i, r in self.feed.items()
            if r.get("kind") == "shared_letter" and not r["deleted"]
        }


def allow_many_accounts(app) -> None:
    """Tests that build many accounts from one address lift the registration budget."""
    throttle = app.state.accounts.throttle
    throttle.limits = throttle.limits._replace(registrations_per_ip=parse("100000/minute"))


async def sign_up(app, username: str, role: str = "CLIENT", name: str | None = None) -> Person:
    http = make_client(app)
    account = await register(
        http, username=username, role=role, display_name=name or username.title()
    )
    return Person(http, username, id=account["account"]["id"], key=account["accountKey"])


def key_pairs_input(
    account_key: bytes,
    encryption: str = "X25519",
    signing: str = "Ed25519",
    label: str = "",
) -> dict:
    """What a device sends for pairs it made (fixed private keys from `label`, so a test
    can make the same pairs again, or new ones)."""
    privates = {
        use: hashlib.sha256(f"{label}/{use}".encode()).digest() for use in ("encryption", "signing")
    }
    return {
        "encryptionAlgorithm": encryption,
        "encryptionKey": reference.b64url(reference.public_key(encryption, privates["encryption"])),
        "sealedEncryptionKey": reference.seal_private_key(
            account_key, "encryption", encryption, privates["encryption"]
        ),
        "signingAlgorithm": signing,
        "signingKey": reference.b64url(reference.public_key(signing, privates["signing"])),
        "sealedSigningKey": reference.seal_private_key(
            account_key, "signing", signing, privates["signing"]
        ),
    }


async def make_key_pairs(person: Person, label: str = "", **algorithms: str) -> dict:
    """Set the person's pairs as their device does; returns their public keys."""
    data = await person.ok(
        SET_KEY_PAIRS,
        {"input": key_pairs_input(person.key, label=label or person.username, **algorithms)},
    )
    return data["setMyKeyPairs"]


async def new_code(therapist: Person) -> str:
    return (await therapist.ok(NEW_CODE))["newConnectCode"]["code"]


async def connect(client: Person, therapist: Person) -> str:
    """Link the two through a fresh code; returns the link id."""
    code = await new_code(therapist)
    return (await client.ok(LINK, {"code": code}))["linkWithTherapist"]["id"]


async def share_input(
    client: Person, letter_id: str, link_id: str, delivery: str = "NOW", **extra
) -> dict:
    """shareLetter's variables: the letter's words as the client's device holds them."""
    words = await client.words(letter_id)
    return {
        "input": {
            "letterId": letter_id,
            "linkId": link_id,
            "delivery": delivery,
            **words,
            **extra,
        }
    }


async def share(
    client: Person, letter_id: str, link_id: str, delivery: str = "NOW", **extra
) -> dict:
    variables = await share_input(client, letter_id, link_id, delivery, **extra)
    return (await client.ok(SHARE, variables))["shareLetter"]


async def share_refused(client: Person, letter_id: str, link_id: str, delivery="NOW", **extra):
    return await client.refused(
        SHARE, await share_input(client, letter_id, link_id, delivery, **extra)
    )
