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
