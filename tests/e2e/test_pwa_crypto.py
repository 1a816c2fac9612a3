"""The PWA's sealing code in Chromium, against the shared vectors and the Python
reference: each side makes the same bytes from the same inputs, and opens what the
other sealed with fresh randomness."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sealed import reference as ref
from tests.sealed.vectors import VECTORS

pytestmark = pytest.mark.browser

MODULES = ["bytes", "seal", "keys", "records"]
BROWSER_EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def vectors():
    return json.loads(VECTORS.read_text(encoding="utf-8"))


@pytest.fixture
def device(chromium, served_sqlite):
    """`run(script, arg)`: runs an async function body in the app's own page (so under
    its Content-Security-Policy), with the crypto modules as `b`, `s`, `k` and `r`."""
    page = chromium.new_page()
    page.goto(f"{served_sqlite}/welcome")
    page.wait_for_selector("#register-heading")
    imports = ", ".join(f'import("/src/crypto/{name}.js")' for name in MODULES)

    def run(script: str, arg=None):
        return page.evaluate(
            f"async (arg) => {{ const [b, s, k, r] = await Promise.all([{imports}]); {script} }}",
            arg,
        )

    yield run
    page.close()


def test_the_device_derives_the_vector_keys_from_each_password(device, vectors):
    derived = device(
        """
        const out = [];
        for (const v of arg) {
          const keys = await k.passwordKeys(v.password, v.username, v.seedHex, v.params);
          out.push({
            salt: b.toHex(await k.passwordSalt(v.username, v.seedHex)),
            master: b.toHex(keys.masterKey),
            auth: keys.authKey,
          });
        }
        return out;
        """,
        vectors["passwords"],
    )
    expected = [
        {"salt": v["saltHex"], "master": v["masterKeyHex"], "auth": v["authKeyHex"]}
        for v in vectors["passwords"]
    ]
    assert derived == expected


def test_the_device_refuses_weaker_key_parameters(device):
    refused = device(
        """
        const weak = [
          { ...k.PASSWORD_KDF, memoryKiB: 1024 },
          { ...k.PASSWORD_KDF, iterations: 0 },
          { ...k.PASSWORD_KDF, version: 2 },
          { ...k.PASSWORD_KDF, parallelism: 0 },
          { ...k.PASSWORD_KDF, memoryKiB: "65536" },
        ];
        const out = [];
        for (const params of weak) {
          try {
            await k.passwordKeys("a long enough phrase", "robin", "00", params);
            out.push("derived");
          } catch (error) {
            out.push(error.name);
          }
        }
        return out;
        """
    )
    assert refused == ["RangeError"] * 5


def test_the_device_seals_and_opens_the_account_key_as_the_vectors_say(device, vectors):
    result = device(
        """
        const v = arg.accountKey;
        const fixed = { salt: b.fromHex(v.saltHex), nonce: b.fromHex(v.nonceHex) };
        const master = b.fromHex(v.masterKeyHex);
        const sealed = await k.sealAccountKey(b.fromHex(v.accountKeyHex), master, fixed);
        const opened = await k.openAccountKey(v.sealed, master);
        const recovery = [];
        for (const c of arg.recovery) {
          const keys = await k.recoveryKeys(c.typed);
          const cfixed = { salt: b.fromHex(c.saltHex), nonce: b.fromHex(c.nonceHex) };
          recovery.push({
            normalized: k.normalizeRecoveryCode(c.typed),
            lookup: keys.lookup,
            verifier: keys.verifier,
            sealingKey: b.toHex(keys.sealingKey),
            sealed: await k.sealAccountKeyForRecovery(b.fromHex(v.accountKeyHex), keys, cfixed),
            opened: b.toHex(await k.openAccountKeyWithRecovery(c.sealedAccountKey, keys)),
          });
        }
        return { sealed, opened: b.toHex(opened), recovery };
        """,
        vectors,
    )
    account = vectors["accountKey"]
    assert result["sealed"] == account["sealed"]
    assert result["opened"] == account["accountKeyHex"]
    assert result["recovery"] == [
        {
            "normalized": c["normalized"],
            "lookup": c["lookup"],
            "verifier": c["verifierHex"],
            "sealingKey": c["sealingKeyHex"],
            "sealed": c["sealedAccountKey"],
            "opened": account["accountKeyHex"],
        }
        for c in vectors["recovery"]
    ]


def test_the_device_seals_every_record_kind_as_the_vectors_say(device, vectors):
    result = device(
        """
        const key = b.fromHex(arg.accountKey.accountKeyHex);
        const out = [];
        for (const v of arg.records) {
          const fixed = { salt: b.fromHex(v.saltHex), nonce: b.fromHex(v.nonceHex) };
          out.push({
            sealed: await r.sealRecord(key, v, fixed),
            content: await r.openRecord(key, v),
          });
        }
        return out;
        """,
        vectors,
    )
    assert result == [{"sealed": v["sealed"], "content": v["content"]} for v in vectors["records"]]


def test_the_device_refuses_what_does_not_open_and_says_why(device, vectors):
    reasons = device(
        """
        const key = b.fromHex(arg.accountKey.accountKeyHex);
        const out = [];
        for (const v of arg.refused) {
          try { await r.openRecord(key, v); out.push("opened"); }
          catch (error) { out.push(error instanceof s.SealError ? error.reason : String(error)); }
        }
        return out;
        """,
        vectors,
    )
    assert reasons == [case["reason"] for case in vectors["refused"]]


def test_python_opens_what_the_device_sealed_with_fresh_randomness(device, vectors):
    sealed = device(
        """
        const key = b.randomBytes(32);
        const records = [];
        for (const v of arg.records) {
          const record = { id: v.id, kind: v.kind, format: v.format, content: v.content };
          const sealed = await r.sealRecord(key, record);
          records.push({ ...record, sealed, again: await r.sealRecord(key, record) });
        }
        const codes = k.newRecoveryCodes();
        const recovery = [];
        for (const code of codes) {
          const keys = await k.recoveryKeys(code);
          recovery.push({ code, sealed: await k.sealAccountKeyForRecovery(key, keys) });
        }
        return { key: b.toHex(key), records, recovery };
        """,
        vectors,
    )
    key = bytes.fromhex(sealed["key"])
    for record in sealed["records"]:
        opened = ref.open_record(
            key, record["id"], record["kind"], record["format"], record["sealed"]
        )
        assert opened == record["content"]
        assert record["again"] != record["sealed"]
    codes = [entry["code"] for entry in sealed["recovery"]]
    assert len(codes) == 10
    assert len({ref.recovery_keys(code).lookup for code in codes}) == 10
    for entry in sealed["recovery"]:
        keys = ref.recovery_keys(entry["code"])
        assert ref.open_sealed(keys.sealing_key, entry["sealed"], **keys.purpose) == key


@BROWSER_EXAMPLES
@given(
    secret=st.binary(min_size=32, max_size=32),
    plaintext=st.binary(max_size=3000),
    aad=st.text(min_size=1, max_size=60),
)
def test_both_sides_open_each_others_sealed_values(device, secret, plaintext, aad):
    from_python = ref.seal(secret, plaintext, info="between/v1/record", aad=aad)
    result = device(
        """
        const purpose = { info: "between/v1/record", aad: arg.aad };
        const secret = b.fromHex(arg.secret);
        return {
          opened: b.toHex(await s.open(secret, arg.sealed, purpose)),
          sealed: await s.seal(secret, b.fromHex(arg.plaintext), purpose),
        };
        """,
        {"secret": secret.hex(), "plaintext": plaintext.hex(), "aad": aad, "sealed": from_python},
    )
    assert result["opened"] == plaintext.hex()
    assert ref.open_sealed(secret, result["sealed"], info="between/v1/record", aad=aad) == plaintext
