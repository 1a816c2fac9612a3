"""Key pairs and safety numbers through the real app: setting one's own public keys,
reading a linked person's, and marking a link's safety number compared."""

from __future__ import annotations

import pytest

from tests.sealed import reference
from tests.sharing.people import (
    EXPORT,
    LINKS_COMPARED,
    MARK_COMPARED,
    MY_KEY_PAIRS,
    PUBLIC_KEY_FIELDS,
    PUBLIC_KEYS,
    SET_KEY_PAIRS,
    UNLINK,
    connect,
    key_pairs_input,
    make_key_pairs,
    sign_up,
)


async def test_an_account_sets_its_pairs_and_gets_its_sealed_private_halves_back(robin):
    assert (await robin.ok(MY_KEY_PAIRS))["myKeyPairs"] is None
    made = await make_key_pairs(robin)
    assert made["accountId"] == robin.id
    mine = (await robin.ok(MY_KEY_PAIRS))["myKeyPairs"]
    assert mine == made
    # Only the device opens the private halves, with the account key.
    for use in ("encryption", "signing"):
        algorithm = mine[f"{use}Algorithm"]
        public = reference.from_b64url(mine[f"{use}Key"])
        sealed = mine[f"sealed{use.title()}Key"]
        private = reference.open_private_key(robin.key, use, algorithm, public, sealed)
        assert reference.public_key(algorithm, private) == public
    # The export has the public halves, never the sealed private ones.
    exported = (await robin.ok(EXPORT))["exportMyData"]["account"]["publicKeys"]
    assert exported["signingKey"] == made["signingKey"]
    assert made["sealedSigningKey"] not in str(exported)


async def test_p256_pairs_are_accepted_for_browsers_without_curve25519(robin):
    made = await make_key_pairs(robin, encryption="P-256", signing="ECDSA-P256")
    assert len(reference.from_b64url(made["encryptionKey"])) == 65
    assert (made["encryptionAlgorithm"], made["signingAlgorithm"]) == ("P-256", "ECDSA-P256")


def malformed(account_key: bytes) -> list[tuple[str, dict, str]]:
    good = key_pairs_input(account_key, label="robin")
    p256 = key_pairs_input(account_key, "P-256", "ECDSA-P256", label="robin")
    compressed = reference.from_b64url(p256["encryptionKey"])
    return [
        ("unknown algorithm", {"encryptionAlgorithm": "RSA"}, "input.encryptionAlgorithm"),
        ("unknown algorithm", {"signingAlgorithm": "ed25519"}, "input.signingAlgorithm"),
        ("bad base64", {"encryptionKey": good["encryptionKey"][:-2] + "+/"}, "input.encryptionKey"),
        ("padded", {"signingKey": good["signingKey"] + "="}, "input.signingKey"),
        ("too short", {"encryptionKey": good["encryptionKey"][:-4]}, "input.encryptionKey"),
        ("too long", {"signingKey": good["signingKey"] + "AAAA"}, "input.signingKey"),
        ("empty", {"signingKey": ""}, "input.signingKey"),
        # A key of the other algorithm's length.
        ("wrong length", {"encryptionAlgorithm": "P-256"}, "input.encryptionKey"),
        (
            "not an uncompressed point",
            {
                **p256,
                "encryptionKey": reference.b64url(bytes([2]) + compressed[1:]),
            },
            "input.encryptionKey",
        ),
        ("sealed badly", {"sealedSigningKey": "not sealed"}, "input.sealedSigningKey"),
        (
            "sealed the wrong size",
            {"sealedEncryptionKey": good["sealedEncryptionKey"] + "AAAA"},
            "input.sealedEncryptionKey",
        ),
    ]


async def test_malformed_keys_are_refused_naming_the_field(robin):
    good = key_pairs_input(robin.key, label="robin")
    for case, change, field in malformed(robin.key):
        result = await robin.ask(SET_KEY_PAIRS, {"input": {**good, **change}})
        [error] = result["errors"]
        assert error["extensions"]["code"] == "BAD_INPUT", case
        assert error["extensions"]["field"] == field, case
    # Nothing was stored by any refusal.
    assert (await robin.ok(MY_KEY_PAIRS))["myKeyPairs"] is None


async def test_a_linked_person_reads_the_others_public_keys_and_no_one_else(app, robin, dana):
    link = await connect(robin, dana)
    # Linked, but Dana has not made her pairs yet: null, not an error.
    assert (await robin.ok(PUBLIC_KEYS, {"id": dana.id}))["publicKeys"] is None
    danas = await make_key_pairs(dana)
    robins = await make_key_pairs(robin)
    seen_by_robin = (await robin.ok(PUBLIC_KEYS, {"id": dana.id}))["publicKeys"]
    seen_by_dana = (await dana.ok(PUBLIC_KEYS, {"id": robin.id}))["publicKeys"]
    public = ("accountId", "encryptionAlgorithm", "encryptionKey", "signingAlgorithm")
    assert {k: seen_by_robin[k] for k in public} == {k: danas[k] for k in public}
    assert seen_by_dana["signingKey"] == robins["signingKey"]
    assert "sealedSigningKey" not in seen_by_robin
    # The list of links carries the same keys, so a device needs no request per link.
    [listed] = (await robin.ok(f"{{ sharingLinks {{ personKeys {{ {PUBLIC_KEY_FIELDS} }} }} }}"))[
        "sharingLinks"
    ]
    assert listed["personKeys"] == seen_by_robin

    stranger = await sign_up(app, "tom", "THERAPIST", "Tom")
    await make_key_pairs(stranger)
    for asker, whose in ((robin, stranger.id), (stranger, robin.id), (stranger, dana.id)):
        assert await asker.refused(PUBLIC_KEYS, {"id": whose}) == "NOT_FOUND"
    assert await robin.refused(PUBLIC_KEYS, {"id": "not-an-id"}) == "BAD_INPUT"
    # Once unlinked, the keys are no longer theirs to read.
    await robin.ok(UNLINK, {"id": link})
    assert await robin.refused(PUBLIC_KEYS, {"id": dana.id}) == "NOT_FOUND"
    assert await dana.refused(PUBLIC_KEYS, {"id": robin.id}) == "NOT_FOUND"
    await stranger.http.aclose()


async def test_each_side_marks_its_own_comparison_which_a_key_change_leaves_behind(robin, dana):
    link = await connect(robin, dana)
    client = reference.PublicKeys.from_wire(await make_key_pairs(robin))
    therapist = reference.PublicKeys.from_wire(await make_key_pairs(dana))
    number = reference.safety_number(client, therapist)

    marked = await robin.ok(MARK_COMPARED, {"id": link, "number": reference.grouped(number)})
    assert marked["markSafetyNumberCompared"]["comparedSafetyNumber"] == number
    # Dana's side is her own: not compared until she says so.
    [danas_link] = (await dana.ok(LINKS_COMPARED))["sharingLinks"]
    assert danas_link["comparedSafetyNumber"] is None
    await dana.ok(MARK_COMPARED, {"id": link, "number": number})

    # Dana's new signing key: the number both compute changes, and what they compared
    # no longer matches it.
    changed = reference.PublicKeys.from_wire(await make_key_pairs(dana, label="dana's new phone"))
    assert changed.signing_key != therapist.signing_key
    now = reference.safety_number(client, changed)
    assert now[:30] == number[:30] and now != number
    for person in (robin, dana):
        [seen] = (await person.ok(LINKS_COMPARED))["sharingLinks"]
        assert seen["comparedSafetyNumber"] == number != now


async def test_setting_the_same_keys_again_is_no_change(robin):
    first = await make_key_pairs(robin)
    again = await make_key_pairs(robin)
    assert again == first


@pytest.mark.parametrize(
    "number",
    ["", "1234", "1" * 59, "1" * 61, "a" * 60, "12345-" * 11 + "12345"],
)
async def test_a_malformed_safety_number_is_refused(robin, link, number):
    result = await robin.ask(MARK_COMPARED, {"id": link, "number": number})
    assert result["errors"][0]["extensions"]["code"] == "BAD_INPUT"
    assert result["errors"][0]["extensions"]["field"] == "safetyNumber"


async def test_an_ended_or_unknown_link_cannot_be_marked(robin, dana, link):
    number = "1" * 60
    await robin.ok(UNLINK, {"id": link})
    assert await robin.refused(MARK_COMPARED, {"id": link, "number": number}) == "NOT_LINKED"
    unknown = "6f1c1a3e-0000-4000-8000-000000000000"
    assert await dana.refused(MARK_COMPARED, {"id": unknown, "number": number}) == "NOT_FOUND"
