"""How the server hands out the PWA: deep links, the service worker and its shell list."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

from asgi_lifespan import LifespanManager

from server.pwa import ServiceWorker, service_worker_source, shell_files
from tests.conftest import build_app, make_client

PWA = Path(__file__).resolve().parents[1] / "pwa"


def shell_of(source: str) -> tuple[str, list[str]]:
    version = re.search(r'^const VERSION = "(\w+)";$', source, re.M).group(1)
    shell = json.loads(re.search(r"^const SHELL = (\[.*\]);$", source, re.M).group(1))
    return version, shell


async def test_deep_links_open_the_app_and_missing_files_are_404(client):
    index = (PWA / "index.html").read_text()
    for path in ["/", "/letters/3f0c9a4e-1b1f-4c55-9d55-1f0f3b1f0a11", "/trash", "/welcome"]:
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.text == index
    assert (await client.get("/src/nothing-here.js")).status_code == 404
    assert (await client.get("/style.css")).headers["content-type"].startswith("text/css")


async def test_the_service_worker_lists_every_file_of_the_app(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/javascript")
    _, shell = shell_of(response.text)
    expected = {"/" + p.relative_to(PWA).as_posix() for p in shell_files(PWA)}
    assert set(shell) == expected
    assert {"/index.html", "/src/main.js", "/manifest.webmanifest", "/style.css"} <= set(shell)
    assert "/sw.js" not in shell
    # Every listed file is really served, so the install cannot fail on a missing one.
    for url in shell:
        assert (await client.get(url)).status_code == 200, url


def test_any_changed_file_changes_the_version(tmp_path):
    app = tmp_path / "pwa"
    shutil.copytree(PWA, app)
    worker = ServiceWorker(app)
    first, _ = shell_of(worker.source())
    assert shell_of(worker.source())[0] == first == shell_of(service_worker_source(app))[0]
    (app / "src" / "letters.js").write_text((app / "src" / "letters.js").read_text() + "\n")
    second, _ = shell_of(worker.source())
    assert second != first
    (app / "src" / "new-screen.js").write_text("export {};\n")
    third, shell = shell_of(worker.source())
    assert third != second and "/src/new-screen.js" in shell
    (app / "src" / "new-screen.js").unlink()
    assert shell_of(worker.source())[0] == second


async def test_the_manifest_makes_the_app_installable(settings):
    manifest = json.loads((PWA / "manifest.webmanifest").read_text())
    assert manifest["display"] == "standalone"
    assert {"id", "name", "short_name", "start_url", "scope", "theme_color"} <= set(manifest)
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    app = build_app(replace(settings))
    async with LifespanManager(app), make_client(app) as client:
        for icon in manifest["icons"]:
            response = await client.get(icon["src"])
            assert response.status_code == 200
            width, height = (
                int.from_bytes(response.content[16:20]),
                int.from_bytes(response.content[20:24]),
            )
            assert f"{width}x{height}" == icon["sizes"]
        assert (await client.get("/icons/apple-touch-icon.png")).status_code == 200


STATIC_IMPORT = re.compile(r'^\s*import\s+(?:[^;]*?\s+from\s+)?"(\.{1,2}/[^"]+)";', re.M)


def static_imports(start: Path) -> set[Path]:
    """Every module `start` loads before it runs: its static imports, followed down."""
    seen: set[Path] = set()
    waiting = [start]
    while waiting:
        module = waiting.pop()
        for name in STATIC_IMPORT.findall(module.read_text(encoding="utf-8")):
            target = (module.parent / name).resolve()
            if target not in seen:
                seen.add(target)
                waiting.append(target)
    return seen


def test_index_preloads_exactly_what_main_imports():
    # Opening offline must not be a chain of fetches, one level of imports at a time;
    # and screens loaded later must not be fetched at every open.
    index = (PWA / "index.html").read_text(encoding="utf-8")
    preloaded = {
        (PWA / href.lstrip("/")).resolve()
        for href in re.findall(r'<link rel="modulepreload" href="([^"]+)">', index)
    }
    needed = static_imports(PWA / "src" / "main.js")
    assert {p.relative_to(PWA).as_posix() for p in needed - preloaded} == set()
    assert {p.relative_to(PWA).as_posix() for p in preloaded - needed} == set()


def test_static_imports_are_followed_down():
    # The check above can fail: a module imported two levels down counts.
    needed = {p.relative_to(PWA).as_posix() for p in static_imports(PWA / "src" / "main.js")}
    assert {"src/ui/letters/home.js", "src/letters.js", "src/outbox.js", "src/store.js"} <= needed
    assert "src/ui/letters/history.js" not in needed


async def test_text_files_go_out_gzipped_to_clients_that_take_it(client):
    source = (PWA / "src" / "main.js").read_bytes()
    plain = await client.get("/src/main.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert plain.content == source and plain.headers["vary"] == "Accept-Encoding"
    packed = await client.get("/src/main.js", headers={"accept-encoding": "gzip, br"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == source  # httpx unpacks it
    assert int(packed.headers["content-length"]) < len(source) / 2
    assert packed.headers["etag"] != plain.headers["etag"]
    # Each representation answers its own conditional request.
    again = await client.get(
        "/src/main.js",
        headers={"accept-encoding": "gzip", "if-none-match": packed.headers["etag"]},
    )
    assert again.status_code == 304
    refused = await client.get("/src/main.js", headers={"accept-encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    # A deep link is the app's page, gzipped like any other.
    deep = await client.get("/trash", headers={"accept-encoding": "gzip"})
    assert deep.headers["content-encoding"] == "gzip"
    assert deep.text == (PWA / "index.html").read_text()


async def test_a_changed_file_is_compressed_again(tmp_path, settings):
    app_dir = tmp_path / "pwa"
    shutil.copytree(PWA, app_dir)
    application = build_app(replace(settings, pwa_dir=app_dir))
    async with LifespanManager(application), make_client(application) as http:
        first = await http.get("/style.css", headers={"accept-encoding": "gzip"})
        (app_dir / "style.css").write_text("body { color: teal; }\n" * 50)
        second = await http.get("/style.css", headers={"accept-encoding": "gzip"})
    assert first.text == (PWA / "style.css").read_text()
    assert second.text == "body { color: teal; }\n" * 50
