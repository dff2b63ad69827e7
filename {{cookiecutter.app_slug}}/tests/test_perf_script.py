"""`make perf` works: the benchmark runs (quick mode) and its output parses.

Only the script is checked here, never the figures: the performance budget is a benchmark
to read (`make perf`), not a timed test. Quick mode is one Playwright run without
Lighthouse, against the whole app on loopback (simulator, Flask serving frontend/dist,
outbox relay), about 20-30 s.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
FRONTEND = PROJECT / "frontend"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
NODE = shutil.which("node")

# The metrics of the budget (frontend/perf/report.mjs), in the table's order.
METRICS = {
    "initial_js_gz": "kB", "initial_css_gz": "kB", "requests": "count",
    "third_party_origins": "count", "lighthouse_score": "score", "lighthouse_lcp": "s",
    "lighthouse_tbt": "ms", "lighthouse_cls": "score", "lighthouse_accessibility": "score",
    "landing_data_visible": "s",
}
# Each feature may add its own (frontend/src/features/<name>/tests/perf.mjs): 事项's two.
if (FRONTEND / "src" / "features" / "items" / "tests" / "perf.mjs").is_file():
    METRICS |= {"op_create_item": "s", "op_complete_item": "s"}
LIGHTHOUSE = {name for name in METRICS if name.startswith("lighthouse_")}

missing = [what for what, present in [
    ("node", NODE is not None),
    ("frontend/node_modules (npm ci)", (FRONTEND / "node_modules" / "@playwright").is_dir()),
    ("frontend/dist (npm run build)", (FRONTEND / "dist" / "index.html").is_file()),
    (f"Chromium at {CHROME}", Path(CHROME).is_file()),
    ("the app's virtualenv", (PROJECT / ".venv" / "bin" / "python").is_file()),
] if not present]
pytestmark = pytest.mark.skipif(bool(missing), reason="make perf needs " + ", ".join(missing))


@pytest.fixture(scope="module")
def quick_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("perf")


@pytest.fixture(scope="module")
def quick_run(quick_dir):
    out = quick_dir / "results.json"
    run = subprocess.run([NODE, "perf/run.mjs", "--quick", "--out", str(out)], cwd=FRONTEND,
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, f"perf/run.mjs --quick failed:\n{run.stdout}\n{run.stderr}"
    return run.stdout, json.loads(out.read_text(encoding="utf-8"))


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def test_results_file_has_every_metric_with_target_and_verdict(quick_run):
    _, results = quick_run
    assert results["schema"] == 1
    assert results["mode"] == "quick"
    assert results["runs"] == 1
    assert {"node", "chromium", "lighthouse", "server"} <= results["environment"].keys()
    assert [metric["id"] for metric in results["metrics"]] == list(METRICS)
    for metric in results["metrics"]:
        assert metric["unit"] == METRICS[metric["id"]]
        assert is_number(metric["target"])
        assert metric["comparison"] in ("<=", ">=")
        if metric["id"] in LIGHTHOUSE:
            # Quick mode leaves Lighthouse out, and says so.
            assert metric["measured"] is None and metric["ok"] is None and metric["skipped"]
        else:
            assert is_number(metric["measured"]), metric
            assert len(metric["runs"]) == 1 and all(is_number(value) for value in metric["runs"])
            assert isinstance(metric["ok"], bool)
    for item in results["extra"]:
        assert item["measured"] is None or is_number(item["measured"])


def test_the_measured_page_was_the_logged_in_landing_page(quick_run):
    _, results = quick_run
    requests = results["details"]["landing_requests"]
    # Only a logged-in user's page carries the first screen's data (frontend.py); the list
    # then needs no API request.
    assert all(run["first_screen_data"] for run in results["details"]["landing"])
    assert not any("/api/items" in row["url"] for row in requests)
    assert all(row["status"] != 401 for row in requests)
    assert any(row["type"] == "script" and row["gzip_bytes"] for row in requests)


def test_table_is_printed(quick_run):
    stdout, results = quick_run
    lines = stdout.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("Metric"))
    rows = [line.split(" | ") for line in lines[header + 2: header + 2 + len(METRICS)]]
    assert [row[0].strip() for row in rows] == [metric["label"] for metric in results["metrics"]]
    assert all(row[3].strip() in ("OK", "over", "skipped") for row in rows)


def test_floor_page_is_the_first_screen_without_javascript(quick_run, quick_dir):
    """The floor (frontend/perf/floor.mjs) is made from the app as the user saw it: the same
    greeting and items, the app's CSS inline, and nothing to run."""
    _, results = quick_run
    floor = (quick_dir / "floor.html").read_text(encoding="utf-8")
    assert "<script" not in floor.lower()
    assert 'rel="stylesheet"' not in floor and 'rel="modulepreload"' not in floor
    assert results["floor"]["stylesheets"], "the app's first screen loaded no stylesheet"
    kept, total = results["floor"]["css_rules"]["kept"], results["floor"]["css_rules"]["total"]
    assert 0 < kept <= total
    assert 'data-testid="greeting"' in floor and 'aria-busy="false"' in floor
    # The same items the app showed: the LCP element's text in the app's run is in the floor.
    app_lcp = results["details"]["landing"][0]["lcp_element"]
    assert app_lcp, results["details"]["landing"]
    assert app_lcp.split('"')[1] in floor
    if "items" in {path.name for path in (FRONTEND / "src" / "features").iterdir()}:
        assert 'data-testid="item-list-todo"' in floor


def test_ratios_against_the_floor_come_from_interleaved_pairs(quick_run):
    stdout, results = quick_run
    ratios = results["ratios"]
    assert ratios["target"] == 1.15
    # Quick mode has no Lighthouse: LCP is the slow-4G browser run's, and it says so.
    assert ratios["lcp_source"] == "browser"
    (app_run,) = results["details"]["landing"]
    (floor_run,) = results["details"]["floor_landing"]
    assert is_number(floor_run["data_visible"]) and floor_run["data_visible"] > 0, floor_run
    pairs = ratios["pairs"]["data_visible_ms"]
    assert len(pairs) == 1
    assert ratios["data_visible_vs_floor"] == pytest.approx(pairs[0][0] / pairs[0][1], abs=1e-3)
    assert ratios["data_visible_vs_floor"] == pytest.approx(
        app_run["data_visible"] / floor_run["data_visible"], rel=1e-2)
    assert is_number(ratios["lcp_vs_floor"]) and ratios["lcp_vs_floor"] > 0, (app_run, floor_run)
    assert isinstance(ratios["ok"]["data_visible_vs_floor"], bool)
    assert "LCP vs floor (slow 4G browser)" in stdout
    line = next(line for line in stdout.splitlines() if line.startswith("Data visible vs floor"))
    assert f"{ratios['data_visible_vs_floor']:.2f}×" in line
