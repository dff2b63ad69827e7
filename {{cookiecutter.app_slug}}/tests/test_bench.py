"""`make bench` works: a tiny run (seconds) prints the table and writes its results, report
and plot; the ratio arithmetic is checked on runs whose answers are known.

Only the harness is checked here (every endpoint reached, logged in where it must be, no
error answers, each endpoint paired with a bare run, the report complete), never the
figures: they depend on the machine.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from devtools import PROJECT_ROOT
from devtools.bench import report
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
    assert results["rounds"] == 2
    # A B A B: every endpoint's run follows a bare run, in every round.
    measured = [run for run in results["runs"] if run["name"] != report.BARE]
    assert len(report.pairs(results["runs"])) == len(measured) == 2 * (len(ENDPOINTS) - 1)
    assert set(results["ratios"]["2"]) == {e.name for e in ENDPOINTS[1:]}
    for ratio in results["ratios"]["2"].values():
        assert len(ratio["rounds"]) == 2 and ratio["throughput"] > 0 and ratio["p99"] > 0
    assert "×bare req/s" in done.stdout
    plot = output.with_suffix(".svg").read_text(encoding="utf-8")
    assert plot.startswith("<?xml") and "<svg" in plot
    markdown = output.with_suffix(".md").read_text(encoding="utf-8")
    assert "](results.svg)" in markdown and "GET /_bench/me" in markdown
    assert results["memory"]["workers"]
    assert results["platform_tokens"]["gettoken_calls"] >= 1


def run(name: str, users: int, rps: float, p99: float, round_number: int) -> dict:
    return {"name": name, "method": "GET", "endpoint": f"/{name}", "users": users,
            "requests_per_second": rps, "round": round_number,
            "latency_ms": {"p50": p99 / 2, "p95": p99 * 0.9, "p99": p99},
            "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}}


def test_ratios_pair_each_run_with_the_bare_run_before_it_and_take_medians():
    # The machine slows down in round 2 (both runs of each pair), and one bare run is an
    # outlier: per-pair ratios stay 0.5 while the medians of absolute figures would not.
    runs = []
    for round_number, (bare_rps, slowdown) in enumerate([(1000, 1), (400, 2.5), (1000, 1)], 1):
        runs += [run(report.BARE, 50, bare_rps, 10 * slowdown, round_number),
                 run("me", 50, bare_rps / 2, 12 * slowdown, round_number)]
    ratios = report.ratios(runs)
    assert ratios["50"]["me"]["throughput"] == 0.5
    assert ratios["50"]["me"]["p99"] == 1.2
    assert [r["throughput"] for r in ratios["50"]["me"]["rounds"]] == [0.5, 0.5, 0.5]
    found = {t["target"]: t for t in report.targets(report.summarise(runs), ratios)}
    assert found["me throughput ≥ 0.7× bare (50 users)"]["met"] is False
    assert found["me p99 ≤ 1.5× bare (50 users)"]["met"] is True
    summary = {row["name"]: row for row in report.summarise(runs)}
    assert summary["me"]["requests_per_second"] == 500 and summary["me"]["runs"] == 3


def test_an_endpoint_run_without_a_bare_run_before_it_is_not_paired():
    runs = [run("me", 10, 100, 5, 1), run(report.BARE, 10, 200, 4, 1),
            run(report.BARE, 50, 200, 4, 1), run("me", 10, 100, 5, 1)]
    assert report.pairs(runs) == []
    assert report.ratios(runs) == {}
