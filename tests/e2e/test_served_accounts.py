"""An account's whole life through /graphql on a running `between serve`."""

from __future__ import annotations

import httpx

PASSWORD = "a quiet harbour at dusk"
NEW_PASSWORD = "the tide comes back in"


def post(client: httpx.Client, query: str, variables: dict | None = None) -> dict:
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


def test_register_sign_in_recover_export_and_delete(served):
    with httpx.Client(base_url=served) as phone, httpx.Client(base_url=served) as laptop:
        registered = post(
            phone,
            "mutation($i: RegisterInput!) { register(input: $i) "
            "{ account { username role } recoveryCodes } }",
            {
                "i": {
                    "username": "Robin",
                    "password": PASSWORD,
                    "displayName": "Robin",
                    "role": "CLIENT",
                    "deviceLabel": "Phone",
                }
            },
        )["data"]["register"]
        assert registered["account"] == {"username": "robin", "role": "CLIENT"}
        codes = registered["recoveryCodes"]
        assert len(codes) == 10

        signed_in = post(
            laptop,
            "mutation($i: SignInInput!) { signIn(input: $i) { username } }",
            {"i": {"username": "robin", "password": PASSWORD, "deviceLabel": "Laptop"}},
        )
        assert signed_in["data"]["signIn"]["username"] == "robin"
        sessions = post(phone, "{ mySessions { deviceLabel current } }")["data"]["mySessions"]
        assert sorted(s["deviceLabel"] for s in sessions) == ["Laptop", "Phone"]

        with httpx.Client(base_url=served) as new_phone:
            recovered = post(
                new_phone,
                "mutation($i: RecoverAccountInput!) { recoverAccount(input: $i) { username } }",
                {"i": {"username": "robin", "recoveryCode": codes[0], "newPassword": NEW_PASSWORD}},
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
                "mutation($p: String!) { deleteAccount(password: $p) }",
                {"p": NEW_PASSWORD},
            )
            assert deleted["data"]["deleteAccount"] is True

        gone = post(
            laptop,
            "mutation($i: SignInInput!) { signIn(input: $i) { username } }",
            {"i": {"username": "robin", "password": NEW_PASSWORD}},
        )
        assert gone["errors"][0]["extensions"]["code"] == "INVALID_CREDENTIALS"


def test_served_app_has_health_and_the_pwa(served):
    assert httpx.get(f"{served}/healthz").json()["status"] == "ok"
    page = httpx.get(f"{served}/")
    assert page.status_code == 200 and "<title>Between</title>" in page.text
