"""Connect codes and links: one-use codes that expire, guesses limited, unlink from either side."""

from __future__ import annotations

import asyncio
import re

import pytest
from limits import parse

from server.auth.models import Account
from server.auth.throttle import GuessLimits
from server.errors import AppError
from server.sharing import links
from tests.sharing.people import (
    CODE_EXPIRES,
    LINK,
    LINKS,
    LOOK_UP,
    UNLINK,
    connect,
    new_code,
    sign_up,
)


async def test_a_client_looks_up_a_code_sees_the_name_and_links(robin, dana, fake_clock):
    made = (await dana.ok("mutation { newConnectCode { code expiresAt } }"))["newConnectCode"]
    assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}", made["code"])
    assert (await dana.ok(CODE_EXPIRES))["connectCodeExpiresAt"] == made["expiresAt"]

    # Typed loosely, as people do: capitals, spaces, and an O for a zero.
    typed = made["code"].upper().replace("-", " ").replace("0", "O")
    found = (await robin.ok(LOOK_UP, {"code": typed}))["lookUpConnectCode"]
    assert found == {
        "therapistName": "Dr Dana",
        "expiresAt": made["expiresAt"],
        "alreadyLinked": False,
    }
    linked = (await robin.ok(LINK, {"code": made["code"]}))["linkWithTherapist"]
    assert linked["personName"] == "Dr Dana" and linked["personId"] == dana.id

    assert (await robin.ok(LINKS))["sharingLinks"] == [linked]
    [seen_by_dana] = (await dana.ok(LINKS))["sharingLinks"]
    assert seen_by_dana["id"] == linked["id"] and seen_by_dana["personName"] == "Robin"
    # The code was for one client only.
    assert (await dana.ok(CODE_EXPIRES))["connectCodeExpiresAt"] is None
    alex = await sign_up(robin.http._transport.app, "alex")
    assert await alex.refused(LINK, {"code": made["code"]}) == "CONNECT_CODE_USED"


async def test_a_new_code_replaces_the_old_one(robin, dana):
    old = await new_code(dana)
    new = await new_code(dana)
    assert await robin.refused(LOOK_UP, {"code": old}) == "CONNECT_CODE_USED"
    assert await robin.refused(LINK, {"code": old}) == "CONNECT_CODE_USED"
    assert (await robin.ok(LINK, {"code": new}))["linkWithTherapist"]["personId"] == dana.id


async def test_a_code_expires_after_a_day(robin, dana, fake_clock):
    code = await new_code(dana)
    fake_clock.advance(hours=23, minutes=59)
    assert (await robin.ok(LOOK_UP, {"code": code}))["lookUpConnectCode"]["therapistName"]
    fake_clock.advance(minutes=1)
    assert await robin.refused(LOOK_UP, {"code": code}) == "CONNECT_CODE_EXPIRED"
    assert await robin.refused(LINK, {"code": code}) == "CONNECT_CODE_EXPIRED"
    assert (await dana.ok(CODE_EXPIRES))["connectCodeExpiresAt"] is None


async def test_codes_that_stopped_working_are_forgotten_after_a_month(robin, dana, fake_clock):
    replaced = await new_code(dana)
    used = await new_code(dana)
    assert (await robin.ok(LINK, {"code": used}))["linkWithTherapist"]
    fake_clock.advance(days=2)
    expired = await new_code(dana)  # never used: it expires a day later
    # Robin opens the app now and then, so his session is not left idle for a month.
    assert (await robin.ok(LINKS))["sharingLinks"]

    # For a month, each code still says why it no longer works.
    fake_clock.advance(days=links.CODE_MEMORY_DAYS - 2)
    assert await links.forget_old_codes() == 0
    assert await robin.refused(LOOK_UP, {"code": replaced}) == "CONNECT_CODE_USED"
    assert await robin.refused(LOOK_UP, {"code": used}) == "CONNECT_CODE_USED"

    fake_clock.advance(minutes=1)
    assert await links.forget_old_codes() == 2
    for code in (replaced, used):
        assert await robin.refused(LOOK_UP, {"code": code}) == "CONNECT_CODE_INVALID"
    assert await robin.refused(LOOK_UP, {"code": expired}) == "CONNECT_CODE_EXPIRED"

    fake_clock.advance(days=3)
    assert await links.forget_old_codes() == 1
    assert await robin.refused(LOOK_UP, {"code": expired}) == "CONNECT_CODE_INVALID"
    # The link made with a forgotten code stays.
    assert len((await robin.ok(LINKS))["sharingLinks"]) == 1
    assert await links.forget_old_codes() == 0


async def test_a_wrong_code_is_refused(robin, dana):
    await new_code(dana)
    for code in ["00000-00000", "not a code", "", "x" * 5000, "ab12c-ab12c-a"]:
        assert await robin.refused(LOOK_UP, {"code": code}) == "CONNECT_CODE_INVALID", code
    assert await robin.refused(LINK, {"code": "00000-00000"}) == "CONNECT_CODE_INVALID"


async def test_linking_twice_with_the_same_therapist_is_refused(robin, dana, link):
    code = await new_code(dana)
    assert (await robin.ok(LOOK_UP, {"code": code}))["lookUpConnectCode"]["alreadyLinked"]
    assert await robin.refused(LINK, {"code": code}) == "ALREADY_LINKED"
    # The refused attempt did not use the code up.
    assert (await dana.ok(CODE_EXPIRES))["connectCodeExpiresAt"] is not None


async def test_code_guesses_are_limited_per_account_and_address(app, robin, dana):
    code = await new_code(dana)
    allowed = GuessLimits().per_account_and_ip.amount
    answers = [await robin.refused(LOOK_UP, {"code": "zzzzz-zzzzz"}) for _ in range(allowed)]
    assert set(answers) == {"CONNECT_CODE_INVALID"}
    result = await robin.ask(LOOK_UP, {"code": code})
    # Even the right code is refused now, and the answer says when to come back.
    assert result["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert result["errors"][0]["extensions"]["retryAfterSeconds"] >= 1
    assert await robin.refused(LINK, {"code": code}) == "RATE_LIMITED"
    # Another client is not held back by Robin's guesses.
    alex = await sign_up(app, "alex")
    assert (await alex.ok(LINK, {"code": code}))["linkWithTherapist"]["personId"] == dana.id


async def test_code_guesses_are_limited_per_address_across_accounts(app, dana):
    app.state.accounts.throttle.limits = GuessLimits(
        per_ip=parse("5/10 minutes"), per_account_and_ip=parse("100/minute")
    )
    await new_code(dana)
    answers = []
    for name in ("alex", "sam", "kim"):
        guesser = await sign_up(app, name)
        answers += [await guesser.refused(LINK, {"code": "zzzzz-zzzzz"}) for _ in range(2)]
    assert answers == ["CONNECT_CODE_INVALID"] * 5 + ["RATE_LIMITED"]


async def test_guesses_sent_all_at_once_are_each_counted(app, robin, dana):
    """Guesses arriving together (aliases, parallel requests) are counted before they are
    checked, so no more than the budget is ever checked."""
    await new_code(dana)
    client = await Account.get(id=robin.id)
    throttle = app.state.accounts.throttle
    allowed = GuessLimits().per_account_and_ip.amount

    async def guess(n: int) -> str:
        try:
            await links.look_up_code(throttle, client, f"zzzzz-zzzz{n % 10}", "10.0.0.1")
        except AppError as error:
            return error.code.value
        return "FOUND"

    answers = await asyncio.gather(*(guess(n) for n in range(allowed + 4)))
    assert answers.count("CONNECT_CODE_INVALID") == allowed
    assert answers.count("RATE_LIMITED") == 4


async def test_only_therapists_have_codes_and_only_clients_use_them(robin, dana):
    assert await robin.refused("mutation { newConnectCode { code } }") == "FORBIDDEN"
    assert await robin.refused(CODE_EXPIRES) == "FORBIDDEN"
    code = await new_code(dana)
    assert await dana.refused(LOOK_UP, {"code": code}) == "FORBIDDEN"
    assert await dana.refused(LINK, {"code": code}) == "FORBIDDEN"


@pytest.mark.parametrize("who", ["client", "therapist"])
async def test_either_side_can_unlink_and_the_client_can_link_again(robin, dana, link, who):
    person = robin if who == "client" else dana
    assert (await person.ok(UNLINK, {"id": link}))["unlink"] is True
    assert (await robin.ok(LINKS))["sharingLinks"] == []
    assert (await dana.ok(LINKS))["sharingLinks"] == []
    assert await person.refused(UNLINK, {"id": link}) == "NOT_LINKED"
    again = await connect(robin, dana)
    assert again != link


async def test_unlinking_someone_elses_link_looks_like_a_missing_one(app, robin, dana, link):
    alex = await sign_up(app, "alex")
    assert await alex.refused(UNLINK, {"id": link}) == "NOT_FOUND"
    assert await alex.refused(UNLINK, {"id": "not-an-id"}) == "BAD_INPUT"
    assert len((await robin.ok(LINKS))["sharingLinks"]) == 1
