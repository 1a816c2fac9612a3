"""graphql-http's server audits (the GraphQL-over-HTTP spec) against a real server."""

from __future__ import annotations

import json

from tests.serving import start_server

# GET may not run queries here (a query in a URL ends up in logs and caches); the
# audits that try it are optional ("MAY") and report a notice, not a warning.
GET_QUERY_AUDITS = {"5A70", "D6D5", "6A70"}
AUDIT_SECONDS = 120


def test_the_graphql_http_audits_pass_without_errors_or_warnings(node, tmp_path):
    with start_server(f"sqlite://{tmp_path / 'audit.sqlite3'}", tmp_path) as base:
        audit = node("audit_server.cjs", f"{base}/graphql")
        out, err = audit.communicate(timeout=AUDIT_SECONDS)
    assert audit.returncode == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    by_status: dict[str, list[dict]] = {}
    for result in results:
        by_status.setdefault(result["status"], []).append(result)
    counts = {status: len(found) for status, found in by_status.items()}
    print("graphql-http audit:", counts)
    assert len(results) > 50 and counts.get("ok", 0) > 50, counts
    assert by_status.get("error", []) == [] and by_status.get("warn", []) == [], counts
    assert {r["id"] for r in by_status.get("notice", [])} <= GET_QUERY_AUDITS, by_status
