"""`make bench` works: a tiny run (a few seconds) prints the table and writes results JSON.

Only the harness is checked here (every endpoint reached, logged in where it must be, no
error answers, the report complete), never the figures: they depend on the machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from devtools import PROJECT_ROOT
from devtools.bench.run import ENDPOINTS
from devtools.loopback_stack import missing_programs

MISSING = missing_programs() + ([] if shutil.which("wrk") else ["wrk"])


@pytest.mark.skipif(bool(MISSING), reason=f"not installed: {', '.join(MISSING)} "
                                          f"(apt-get install {' '.join(MISSING)})")
def test_a_tiny_bench_run_reports_every_endpoint(tmp_path):
    output = tmp_path / "results.json"
    done = subprocess.run([sys.executable, "-m", "devtools.bench.run", "--tiny",
                           "--output", str(output)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "endpoint" in done.stdout and "p99 ms" in done.stdout
    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["tiny"] is True
    assert results["sessions"] == 2  # the load comes from more than one logged-in user
    endpoints = {(run["method"], run["endpoint"]) for run in results["runs"]}
    assert endpoints == {(endpoint.method, endpoint.path) for endpoint in ENDPOINTS}
    assert {("GET", "/_bench/me"), ("GET", "/healthz"), ("GET", "/api/me")} <= endpoints
    for run in results["runs"]:
        # 401 or 403 here would mean the harness lost its login or its CSRF token.
        assert run["requests"] > 0 and run["errors"]["status"] == 0, run
        assert set(run["latency_ms"]) >= {"p50", "p95", "p99"}
    assert set(results["security_stack"]["2"]) == {"me", "livez"}
    assert results["memory"]["workers"]
    assert results["platform_tokens"]["gettoken_calls"] >= 1
