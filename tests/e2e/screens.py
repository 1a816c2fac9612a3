"""`make screens`: every screen of the app at 320x640 and 390x844, light and dark, as
PNG files in one folder, so that anyone reviewing a change can look at all of it.

A fresh server on a throwaway SQLite database holds a client (with letters, a break
plan that is running now, a toolkit, Help now contacts, a letter shared with their
therapist and one held until morning) and that therapist. Each screen is what a phone
of that size shows first, without scrolling, except where the name says "end".

    python -m tests.e2e.screens [folder]      (default: screens/)
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from server.domains import KINDS
from server.preferences.kind import preferences_id
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.e2e.pwa import PASSWORD
from tests.graphql_client import REGISTER, made_account
from tests.sealed import device, reference
from tests.serving import start_server
from tests.sync_client import PUSH

SIZES = ((320, 640), (390, 844))
SCHEMES = ("light", "dark")
LONG_LETTER = "\n\n".join(
    f"Paragraph {n}. I keep thinking about what you said on Tuesday, and about the "
    "room, the light through the blinds, and how hard it was to leave."
    for n in range(1, 16)
)


def ask(client: httpx.Client, query: str, variables: dict | None = None) -> dict:
    answer = client.post("/graphql", json={"query": query, "variables": variables}).json()
    if answer.get("errors"):
        raise RuntimeError(answer["errors"])
    return answer["data"]


def register(client: httpx.Client, username: str, role: str) -> tuple[str, bytes]:
    """The account's id and the account key its devices hold."""
    # Derived for real, so that the app signs in to it with the same password.
    account = made_account(
        username=username,
        password=PASSWORD,
        display_name=username.title(),
        role=role,
        derive=device.reference_keys,
    )
    answer = ask(client, REGISTER, {"input": account.input})
    return answer["register"]["account"]["id"], account.account_key


def local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def fill_accounts(base: str) -> dict[str, str]:
    """The client's and the therapist's data, through the public API; returns ids."""
    ids = {name: str(uuid.uuid4()) for name in ("letter", "short", "plan", "box", "item")}
    with (
        httpx.Client(base_url=base, timeout=60) as anna,
        httpx.Client(base_url=base, timeout=60) as robin,
    ):
        register(anna, "anna", "THERAPIST")
        robin_id, robin_key = register(robin, "robin", "CLIENT")
        code = ask(anna, "mutation { newConnectCode { code } }")["newConnectCode"]["code"]
        link = ask(
            robin, "mutation($c: String!) { linkWithTherapist(code: $c) { id } }", {"c": code}
        )
        today = datetime.now()
        records = [
            ("letter", ids["letter"], {"title": "After Tuesday", "body": LONG_LETTER}),
            ("letter", ids["short"], {"title": "Before the break", "body": "I wanted to say…"}),
            (
                "plan",
                ids["plan"],
                {
                    "title": "Summer break",
                    "timeZone": "UTC",
                    "lastSessionBefore": local(today - timedelta(days=3)),
                    "firstSessionAfter": local(today + timedelta(days=11)),
                    "contactAgreement": "One email is fine; she reads it but won't reply.",
                    "coveringClinician": [{"name": "Dr Ruth Hale", "phone": "+44 20 7946 0000"}],
                    "steps": [
                        {"id": str(uuid.uuid4()), "type": "daily_anchor", "text": "A walk at noon"},
                        {"id": str(uuid.uuid4()), "type": "when_hard", "text": "Hold the stone"},
                    ],
                },
            ),
            ("toolkit_box", ids["box"], {"name": "Texture box", "note": "", "position": 0}),
            (
                "toolkit_item",
                ids["item"],
                {
                    "boxId": ids["box"],
                    "name": "Smooth stone",
                    "feelsLike": "Cool, then warm in the hand",
                    "linkedTo": "",
                    "keptAt": "Coat pocket",
                    "sense": "touch",
                    "agreedWithTherapist": False,
                    "note": "",
                    "position": 0,
                },
            ),
            (
                "preferences",
                str(preferences_id(uuid.UUID(robin_id))),
                {"helpContacts": [{"name": "Aroha", "phone": "+44 7700 900000"}]},
            ),
        ]
        mutations = [
            {"mutationId": n, "kind": kind, "op": "upsert", "recordId": key}
            | (
                # A sealed kind's content goes sealed with robin's key, as robin's device would.
                {"sealed": reference.seal_record(robin_key, key, kind, 1, fields), "format": 1}
                if KINDS[kind].sealed
                else {"fields": fields}
            )
            for n, (kind, key, fields) in enumerate(records, 1)
        ]
        pushed = ask(robin, PUSH, {"device": "screens-0001", "mutations": mutations})
        refused = [r for r in pushed["push"]["results"] if r["status"] == "REJECTED"]
        if refused:
            raise RuntimeError(refused)
        share = "mutation($i: ShareLetterInput!) { shareLetter(input: $i) { id } }"
        link_id = link["linkWithTherapist"]["id"]
        versions = {r["recordId"]: r["version"] for r in pushed["push"]["results"]}
        written = {key: fields for _, key, fields in records}

        def words(key: str) -> dict:
            """The letter as the device holds it, which is what a share sends."""
            fields = written[key]
            return {
                "letterId": key,
                "letterVersion": versions[key],
                "title": fields.get("title", ""),
                "body": fields.get("body", ""),
            }

        ask(robin, share, {"i": {**words(ids["short"]), "linkId": link_id, "delivery": "NOW"}})
        held = {**words(ids["letter"]), "linkId": link_id, "delivery": "TOMORROW_MORNING"}
        ask(robin, share, {"i": {**held, "timeZone": "UTC"}})
        snapshots = ask(anna, "query { pull(limit: 1000) { records: recordsJson } }")
        ids["shared"] = next(
            r["id"] for r in snapshots["pull"]["records"] if r["kind"] == "shared_letter"
        )
    return ids


def client_screens(ids: dict[str, str]) -> list[tuple[str, str]]:
    letter = f"/letters/{ids['letter']}"
    return [
        ("letters", "/"),
        ("letter", letter),
        ("letter-end", letter),
        ("letter-history", f"{letter}/history"),
        ("letter-share", f"{letter}/share"),
        ("shares", "/shares"),
        ("session", "/session"),
        ("trash", "/trash"),
        ("toolkit", "/toolkit"),
        ("toolkit-box", f"/toolkit/boxes/{ids['box']}"),
        ("toolkit-item", f"/toolkit/items/{ids['item']}"),
        ("breathe", "/toolkit/breathe"),
        ("ground", "/toolkit/ground"),
        ("words", "/toolkit/words"),
        ("uses", "/toolkit/uses"),
        ("plans", "/plans"),
        ("plan", f"/plans/{ids['plan']}"),
        ("plan-edit", f"/plans/{ids['plan']}/edit"),
        ("help", "/help"),
        ("help-people", "/help/people"),
        ("connect", "/connect"),
        ("account", "/account"),
        ("settings", "/settings"),
    ]


def therapist_screens(ids: dict[str, str]) -> list[tuple[str, str]]:
    return [
        ("therapist-letters", "/"),
        ("therapist-shared", f"/shared/{ids['shared']}"),
        ("therapist-account", "/account"),
    ]


def sign_in(page, username: str) -> None:
    page.goto("/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]:has-text('Sign in')")
    # Quick hide is in the bar only while someone is signed in.
    page.wait_for_selector("#quick-hide")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def settle(page) -> None:
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)


def shoot(page, out: Path, name: str) -> None:
    page.screenshot(path=out / f"{name}.png")
    print(out / f"{name}.png")


def render(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work, sync_playwright() as playwright:
        workdir = Path(work)
        with start_server(f"sqlite://{workdir / 'screens.sqlite3'}", workdir) as base:
            ids = fill_accounts(base)
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for width, height in SIZES:
                for scheme in SCHEMES:
                    size = f"{width}x{height}-{scheme}"
                    for who, screens in (("robin", client_screens), ("anna", therapist_screens)):
                        # A device of its own for each person, as on two phones.
                        context = browser.new_context(
                            base_url=base,
                            viewport={"width": width, "height": height},
                            color_scheme=scheme,
                            reduced_motion="reduce",
                            # Times follow the locale; these people write "08:00".
                            locale="en-GB",
                        )
                        page = context.new_page()
                        if who == "robin":
                            page.goto("/")
                            settle(page)
                            shoot(page, out, f"welcome-{size}")
                        sign_in(page, who)
                        for name, path in screens(ids):
                            page.goto(path)
                            settle(page)
                            if name.endswith("-end"):
                                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                                page.wait_for_timeout(200)
                            shoot(page, out, f"{name}-{size}")
                        if who == "robin":
                            page.click("#quick-hide")
                            page.wait_for_timeout(300)
                            shoot(page, out, f"quick-hide-{size}")
                        context.close()
            browser.close()


if __name__ == "__main__":
    render(Path(sys.argv[1] if len(sys.argv) > 1 else "screens"))
