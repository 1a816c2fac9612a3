"""An account's whole life through /graphql on a running `between serve`."""

from __future__ import annotations

import httpx

from tests.graphql_client import KEY_PARAMS, opening_input, register_sync, sign_in_sync
from tests.sealed import device

PASSWORD = "a quiet harbour at dusk"
NEW_PASSWORD = "the tide comes back in"


def post(client: httpx.Client, query: str, variables: dict | None = None) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def test_register_sign_in_recover_export_and_delete(served):
    """With the device's real derivation (the Python reference), every way in opens the
    one account key the registration made."""
    real = device.reference_keys
    with httpx.Client(base_url=served) as phone, httpx.Client(base_url=served) as laptop:
        registered = register_sync(
            phone, username="Robin", password=PASSWORD, display_name="Robin", derive=real
        )
        assert registered["account"]["username"] == "robin"
        account_key, codes = registered["accountKey"], registered["recoveryCodes"]

        signed_in = sign_in_sync(laptop, "robin", PASSWORD, real)
        assert signed_in["data"]["signIn"]["username"] == "robin"
        params = post(laptop, KEY_PARAMS, {"username": "robin"})["data"]["keyParams"]
        master_key, _ = real(PASSWORD, "robin", params["seed"])
        sealed = signed_in["data"]["signIn"]["sealedAccountKey"]
        assert device.open_account_key(sealed, master_key) == account_key

        with httpx.Client(base_url=served) as new_phone:
            opening = opening_input(codes[0])
            sealed = post(
                new_phone,
                "mutation($i: OpenRecoveryInput!) { openRecovery(input: $i) }",
                {"i": opening},
            )["data"]["openRecovery"]
            recovered_key = device.open_with_code(codes[0], sealed)
            assert recovered_key == account_key
            made = device.keys_for(NEW_PASSWORD, "robin", recovered_key, real)
            recovered = post(
                new_phone,
                "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { username } }",
                {"i": {**opening, "newAuthKey": made.auth_key, "keys": made.keys}},
            )
            assert recovered["data"]["recoverAccount"]["username"] == "robin"
            # Recovery signed out the lost phone and the laptop.
            assert post(phone, "{ me { id } }")["data"]["me"] is None
            assert post(laptop, "{ me { id } }")["data"]["me"] is None

            export = post(new_phone, "{ exportMyData }")["data"]["exportMyData"]
            assert export["account"]["username"] == "robin"
            assert sum(1 for c in export["recoveryCodes"] if c["usedAt"]) == 1

            deleted = post(
                new_phone,
                "mutation($k: String!) { deleteAccount(authKey: $k) }",
                {"k": made.auth_key},
            )
            assert deleted["data"]["deleteAccount"] is True

        gone = sign_in_sync(laptop, "robin", NEW_PASSWORD, real)
        assert gone["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"


def test_served_app_has_health_and_the_pwa(served):
    assert httpx.get(f"{served}/healthz").json()["status"] == "ok"
    page = httpx.get(f"{served}/")
    assert page.status_code == 200 and "<title>Between</title>" in page.text
