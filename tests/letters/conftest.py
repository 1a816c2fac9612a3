"""A signed-in person and the account key their devices hold."""

from __future__ import annotations

import pytest

from tests.graphql_client import register


@pytest.fixture
async def robin(client) -> tuple:
    return client, (await register(client))["accountKey"]
