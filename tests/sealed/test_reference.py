"""The reference implementation against the shared vectors, and its own properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.sealed import reference as ref
from tests.sealed.vectors import VECTORS, render


@pytest.fixture(scope="module")
def vectors():
    return json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_vectors_file_is_what_the_reference_makes():
    # Regenerate with `python -m tests.sealed.vectors` after changing the contract.
    assert VECTORS.read_text(encoding="utf-8") == render()


def test_password_vectors_give_their_keys(vectors):
    for vector in vectors["passwords"]:
        params = ref.PasswordKdf(
            vector["params"]["version"],
            vector["params"]["memoryKiB"],
            vector["params"]["iterations"],
            vector["params"]["parallelism"],
        )
        master, auth = ref.password_keys(
            vector["password"], vector["username"], vector["seedHex"], params
        )
        assert (master.hex(), auth) == (vector["masterKeyHex"], vector["authKeyHex"])
    # One phrase typed two ways (precomposed and combining accent) gives one set of keys.
    second, third = vectors["passwords"][1:3]
    assert second["password"] != third["password"]
    assert second["masterKeyHex"] == third["masterKeyHex"]


def test_the_authentication_key_says_nothing_of_the_master_key(vectors):
    for vector in vectors["passwords"]:
        assert vector["masterKeyHex"] != vector["authKeyHex"]
        assert vector["masterKeyHex"] not in vector["authKeyHex"]


def test_the_account_key_opens_with_the_master_key_only(vectors):
    account = vectors["accountKey"]
    master = bytes.fromhex(account["masterKeyHex"])
    assert (
        ref.open_sealed(master, account["sealed"], **ref.ACCOUNT_KEY).hex()
        == account["accountKeyHex"]
    )
    other = bytes.fromhex(vectors["passwords"][1]["masterKeyHex"])
    with pytest.raises(ref.SealError) as refused:
        ref.open_sealed(other, account["sealed"], **ref.ACCOUNT_KEY)
    assert refused.value.reason == "unverified"


def test_each_recovery_code_opens_the_account_key(vectors):
    account_key = vectors["accountKey"]["accountKeyHex"]
    for vector in vectors["recovery"]:
        keys = ref.recovery_keys(vector["typed"])
        assert ref.normalize_recovery_code(vector["typed"]) == vector["normalized"]
        assert (keys.lookup, keys.verifier) == (vector["lookup"], vector["verifierHex"])
        assert keys.verifier != keys.sealing_key.hex()
        opened = ref.open_sealed(keys.sealing_key, vector["sealedAccountKey"], **keys.purpose)
        assert opened.hex() == account_key


def test_every_record_kind_opens_to_its_content(vectors):
    account_key = bytes.fromhex(vectors["accountKey"]["accountKeyHex"])
    kinds = {vector["kind"] for vector in vectors["records"]}
    assert kinds == {
        "letter",
        "toolkit_box",
        "toolkit_item",
        "toolkit_use",
        "carry_card",
        "plan",
        "preferences",
    }
    for vector in vectors["records"]:
        content = ref.open_record(
            account_key, vector["id"], vector["kind"], vector["format"], vector["sealed"]
        )
        assert content == vector["content"]


def test_refused_values_say_why(vectors):
    account_key = bytes.fromhex(vectors["accountKey"]["accountKeyHex"])
    for case in vectors["refused"]:
        with pytest.raises(ref.SealError) as refused:
            ref.open_record(account_key, case["id"], case["kind"], case["format"], case["sealed"])
        assert refused.value.reason == case["reason"], case["case"]


keys = st.binary(min_size=32, max_size=32)
purposes = st.text(min_size=1, max_size=40)


@given(keys, st.binary(max_size=2000), purposes)
def test_what_is_sealed_opens(secret, plaintext, aad):
    sealed = ref.seal(secret, plaintext, info="between/v1/record", aad=aad)
    assert ref.open_sealed(secret, sealed, info="between/v1/record", aad=aad) == plaintext


@given(keys, st.binary(max_size=200), st.data())
def test_any_changed_byte_is_refused(secret, plaintext, data):
    sealed = ref.from_b64url(ref.seal(secret, plaintext, info="i", aad="a"))
    at = data.draw(st.integers(0, len(sealed) - 1))
    bit = data.draw(st.integers(0, 7))
    changed = bytearray(sealed)
    changed[at] ^= 1 << bit
    with pytest.raises(ref.SealError) as refused:
        ref.open_sealed(secret, ref.b64url(bytes(changed)), info="i", aad="a")
    assert refused.value.reason == ("unsupported" if at == 0 else "unverified")


@given(keys, st.binary(max_size=200), purposes, purposes)
def test_another_purpose_does_not_open(secret, plaintext, aad, other):
    sealed = ref.seal(secret, plaintext, info="i", aad=aad)
    if other != aad:
        with pytest.raises(ref.SealError):
            ref.open_sealed(secret, sealed, info="i", aad=other)
    with pytest.raises(ref.SealError):
        ref.open_sealed(secret, sealed, info="another purpose", aad=aad)


@given(keys, st.binary(max_size=200))
def test_sealing_twice_never_repeats(secret, plaintext):
    first = ref.from_b64url(ref.seal(secret, plaintext, info="i", aad="a"))
    second = ref.from_b64url(ref.seal(secret, plaintext, info="i", aad="a"))
    assert first[1 : ref.HEADER_BYTES] != second[1 : ref.HEADER_BYTES]


# Known answers from the RFCs, so the key pair code is checked against more than itself.
RFC_7748_ALICE = (
    "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
)
RFC_8032_TEST_1 = (
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e"
    "39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
)


def test_public_keys_and_signatures_match_the_rfcs():
    private, public = RFC_7748_ALICE
    assert ref.public_key("X25519", bytes.fromhex(private)).hex() == public
    private, public, signature = RFC_8032_TEST_1
    assert ref.public_key("Ed25519", bytes.fromhex(private)).hex() == public
    assert ref.sign("Ed25519", bytes.fromhex(private), b"").hex() == signature


def test_each_private_half_opens_only_as_what_it_is(vectors):
    pairs = vectors["keyPairs"]
    account_key = bytes.fromhex(pairs["accountKeyHex"])
    for pair in pairs["pairs"]:
        public = ref.from_b64url(pair["publicKey"])
        assert ref.public_key(pair["algorithm"], bytes.fromhex(pair["privateHex"])) == public
        opened = ref.open_private_key(
            account_key, pair["use"], pair["algorithm"], public, pair["sealed"]
        )
        assert opened.hex() == pair["privateHex"]
        other_use = "signing" if pair["use"] == "encryption" else "encryption"
        elsewhere = [
            (other_use, pair["algorithm"], public),
            (pair["use"], pair["algorithm"], bytes(len(public))),
        ]
        for use, algorithm, key in elsewhere:
            with pytest.raises(ref.SealError) as refused:
                ref.open_private_key(account_key, use, algorithm, key, pair["sealed"])
            assert refused.value.reason == "unverified"


def test_signatures_are_checked_as_the_vectors_say(vectors):
    for case in vectors["keyPairs"]["signatures"]:
        valid = ref.verify(
            case["algorithm"],
            ref.from_b64url(case["publicKey"]),
            case["message"].encode(),
            ref.from_b64url(case["signature"]),
        )
        assert valid is case["valid"], case["case"]


def test_a_safety_number_is_twelve_groups_and_changes_with_any_key(vectors):
    numbers = vectors["keyPairs"]["safetyNumbers"]
    for case in numbers:
        groups = case["grouped"].split(" ")
        assert len(groups) == 12 and all(len(g) == 5 and g.isdigit() for g in groups)
        assert case["grouped"].replace(" ", "") == case["number"]
    # The client's half stays when only the therapist's keys change; the other half moves.
    first, second, third = (case["number"] for case in numbers)
    assert first[:30] == second[:30] == third[:30]
    assert len({first[30:], second[30:], third[30:]}) == 3


@given(swap=st.sampled_from(["encryption_key", "signing_key", "account_id"]))
def test_both_sides_get_one_number_and_the_order_is_fixed(swap):
    client = ref.PublicKeys("c", "X25519", bytes(32), "Ed25519", bytes(range(32)))
    therapist = ref.PublicKeys("t", "X25519", bytes([1]) * 32, "Ed25519", bytes([2]) * 32)
    number = ref.safety_number(client, therapist)
    assert number == ref.safety_number(client, therapist)
    assert number != ref.safety_number(therapist, client)
    changed = {"encryption_key": bytes([9]) * 32, "signing_key": bytes([9]) * 32}
    other = ref.PublicKeys(
        **{**vars(client), swap: changed.get(swap, "someone else")}  # type: ignore[arg-type]
    )
    assert ref.safety_number(other, therapist) != number
