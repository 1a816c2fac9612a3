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

MODULES = ["bytes", "seal", "keys", "records", "pairs"]
NAMES = "b, s, k, r, p"
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
    its Content-Security-Policy), with the crypto modules as `b`, `s`, `k`, `r` and `p`."""
    page = chromium.new_page()
    page.goto(f"{served_sqlite}/welcome")
    page.wait_for_selector("#register-heading")
    imports = ", ".join(f'import("/src/crypto/{name}.js")' for name in MODULES)

    def run(script: str, arg=None):
        return page.evaluate(
            f"async (arg) => {{ const [{NAMES}] = await Promise.all([{imports}]); {script} }}",
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


def test_the_device_gets_each_public_key_and_seals_each_private_half_as_the_vectors_say(
    device, vectors
):
    result = device(
        """
        const key = b.fromHex(arg.accountKeyHex);
        const out = [];
        for (const v of arg.pairs) {
          const privateKey = b.fromHex(v.privateHex);
          const publicKey = await p.publicKeyOf(v.algorithm, privateKey);
          const fixed = { salt: b.fromHex(v.saltHex), nonce: b.fromHex(v.nonceHex) };
          const pair = { algorithm: v.algorithm, publicKey, privateKey };
          const opened = await p.openPrivateKey(key, v.use, v.algorithm, publicKey, v.sealed);
          let elsewhere;
          try {
            const other = v.use === "signing" ? "encryption" : "signing";
            await p.openPrivateKey(key, other, v.algorithm, publicKey, v.sealed);
            elsewhere = "opened";
          } catch (error) {
            elsewhere = error.reason;
          }
          out.push({
            publicKey: b.toBase64url(publicKey),
            sealed: await p.sealPrivateKey(key, v.use, pair, fixed),
            opened: b.toHex(opened),
            elsewhere,
          });
        }
        return out;
        """,
        vectors["keyPairs"],
    )
    assert result == [
        {
            "publicKey": v["publicKey"],
            "sealed": v["sealed"],
            "opened": v["privateHex"],
            "elsewhere": "unverified",
        }
        for v in vectors["keyPairs"]["pairs"]
    ]


def test_the_device_checks_signatures_and_safety_numbers_as_the_vectors_say(device, vectors):
    result = device(
        """
        const signatures = [];
        for (const v of arg.signatures) {
          const publicKey = b.fromBase64url(v.publicKey);
          const signature = b.fromBase64url(v.signature);
          signatures.push(await p.verify(v.algorithm, publicKey, b.utf8(v.message), signature));
        }
        const ed = arg.pairs.find((v) => v.algorithm === "Ed25519");
        const message = b.utf8(arg.signatures[0].message);
        const signed = await p.sign("Ed25519", b.fromHex(ed.privateHex), message);
        const numbers = [];
        for (const v of arg.safetyNumbers) {
          const number = await p.safetyNumber(v.client, v.therapist);
          numbers.push({ number, grouped: p.groupedNumber(number) });
        }
        return { signatures, signed: b.toBase64url(signed), numbers };
        """,
        vectors["keyPairs"],
    )
    pairs = vectors["keyPairs"]
    assert result["signatures"] == [v["valid"] for v in pairs["signatures"]]
    # Ed25519 is deterministic: the device makes the very bytes of the vector.
    assert result["signed"] == pairs["signatures"][0]["signature"]
    assert result["numbers"] == [
        {"number": v["number"], "grouped": v["grouped"]} for v in pairs["safetyNumbers"]
    ]


def test_python_opens_the_pairs_the_device_makes_and_checks_its_signatures(device):
    made = device(
        """
        const key = b.randomBytes(32);
        const message = b.utf8("a letter, sealed and signed");
        const out = { key: b.toHex(key), pairs: {}, signatures: [] };
        const pairs = await p.newKeyPairs();
        for (const use of ["encryption", "signing"]) {
          const pair = pairs[use];
          out.pairs[use] = {
            algorithm: pair.algorithm,
            publicKey: b.toBase64url(pair.publicKey),
            sealed: await p.sealPrivateKey(key, use, pair),
          };
        }
        // The P-256 fallback signs too (its signatures are randomised: Python checks them).
        for (const algorithm of ["Ed25519", "ECDSA-P256"]) {
          const privateKey = algorithm === "Ed25519" ? pairs.signing.privateKey : b.randomBytes(32);
          out.signatures.push({
            algorithm,
            publicKey: b.toBase64url(await p.publicKeyOf(algorithm, privateKey)),
            signature: b.toBase64url(await p.sign(algorithm, privateKey, message)),
          });
        }
        return out;
        """
    )
    key = bytes.fromhex(made["key"])
    # Chromium has X25519 and Ed25519 (docs/crypto.md says which browsers fall back).
    assert made["pairs"]["encryption"]["algorithm"] == "X25519"
    assert made["pairs"]["signing"]["algorithm"] == "Ed25519"
    for use, pair in made["pairs"].items():
        public = ref.from_b64url(pair["publicKey"])
        private = ref.open_private_key(key, use, pair["algorithm"], public, pair["sealed"])
        assert ref.public_key(pair["algorithm"], private) == public
    for signed in made["signatures"]:
        public = ref.from_b64url(signed["publicKey"])
        signature = ref.from_b64url(signed["signature"])
        message = b"a letter, sealed and signed"
        assert ref.verify(signed["algorithm"], public, message, signature)
        assert not ref.verify(signed["algorithm"], public, message + b".", signature)


def test_a_browser_without_curve25519_gets_p256_pairs_that_python_opens(device):
    made = device(
        """
        // A browser that has neither X25519 nor Ed25519 answers NotSupportedError.
        const generate = crypto.subtle.generateKey.bind(crypto.subtle);
        crypto.subtle.generateKey = (algorithm, ...rest) =>
          ["X25519", "Ed25519"].includes(algorithm.name)
            ? Promise.reject(new DOMException("no", "NotSupportedError"))
            : generate(algorithm, ...rest);
        try {
          const key = b.randomBytes(32);
          const pairs = await p.newKeyPairs();
          const out = { key: b.toHex(key), pairs: {} };
          for (const use of ["encryption", "signing"]) {
            const pair = pairs[use];
            out.pairs[use] = {
              algorithm: pair.algorithm,
              publicKey: b.toBase64url(pair.publicKey),
              derived: b.toBase64url(await p.publicKeyOf(pair.algorithm, pair.privateKey)),
              sealed: await p.sealPrivateKey(key, use, pair),
            };
          }
          return out;
        } finally {
          crypto.subtle.generateKey = generate;
        }
        """
    )
    key = bytes.fromhex(made["key"])
    assert made["pairs"]["encryption"]["algorithm"] == "P-256"
    assert made["pairs"]["signing"]["algorithm"] == "ECDSA-P256"
    for use, pair in made["pairs"].items():
        public = ref.from_b64url(pair["publicKey"])
        assert len(public) == 65 and pair["derived"] == pair["publicKey"]
        private = ref.open_private_key(key, use, pair["algorithm"], public, pair["sealed"])
        assert ref.public_key(pair["algorithm"], private) == public


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
