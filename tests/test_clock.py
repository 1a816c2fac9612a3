"""One clock: a test that sets it moves all of the server's time."""

from __future__ import annotations

import importlib
import pkgutil
import re
from datetime import UTC, datetime
from pathlib import Path

import server
from server import clock

SERVER = Path(server.__file__).parent
WALL_CLOCK = re.compile(r"datetime\.now\(|datetime\.utcnow\(|date\.today\(")


def server_modules():
    for info in pkgutil.walk_packages(server.__path__, "server."):
        yield importlib.import_module(info.name)


def test_every_module_reads_the_time_the_test_set(monkeypatch):
    moment = datetime(2031, 2, 3, 4, 5, tzinfo=UTC)
    monkeypatch.setattr(clock, "source", lambda: moment)
    readers = {
        module.__name__: module.now
        for module in server_modules()
        if callable(getattr(module, "now", None))
    }
    assert "server.sync.service" in readers and "server.auth.sessions" in readers
    assert {name: read() for name, read in readers.items()} == dict.fromkeys(readers, moment)


def test_only_the_clock_asks_the_system_for_the_time():
    asking = [
        str(path.relative_to(SERVER))
        for path in SERVER.rglob("*.py")
        if path.name != "clock.py" and WALL_CLOCK.search(path.read_text())
    ]
    assert asking == []
