"""What `make bench` makes of its runs: medians, ratios to the bare route, targets, a plot.

A machine shared with other work (a laptop, a CI runner, a 2-core VM) moves every absolute
figure from one run to the next; what the app adds on top of Flask does not move with it.
So each endpoint is compared with the bare route measured just before it (run.measure's
A B A B), pair by pair, and the pairs' ratios are summarised by their median.
"""

from __future__ import annotations

import statistics
from pathlib import Path

BARE = "bare Flask"

# Targets at 50 users, as ratios to the bare route in the same run (issue: "Performance as
# ratios in one run"): (endpoint, measure, bound, at least?)
RATIO_TARGETS = (
    ("me", "throughput", 0.70, True),
    ("me", "p99", 1.5, False),
    ("healthz", "throughput", 0.80, True),
    ("items list", "throughput", 0.35, True),
)
TARGET_USERS = 50
ANSWER_WITHIN_MS = 5000  # DB31DSJ/Z 003 §6.3.3 a: answers within 5 s


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def summarise(runs: list[dict]) -> list[dict]:
    """Each endpoint at each level: medians over its runs of req/s and latencies."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["name"], run["users"]), []).append(run)
    summary = []
    for (name, users), group in groups.items():
        first = group[0]
        summary.append({
            "name": name, "method": first["method"], "endpoint": first["endpoint"],
            "users": users, "runs": len(group),
            "requests_per_second": _median([r["requests_per_second"] for r in group]),
            "latency_ms": {key: _median([r["latency_ms"][key] for r in group])
                           for key in ("p50", "p95", "p99")},
            "errors": sum(sum(r["errors"].values()) for r in group),
        })
    return sorted(summary, key=lambda s: (s["name"] != BARE, s["name"], s["users"]))


def pairs(runs: list[dict]) -> list[tuple[dict, dict]]:
    """(bare run, endpoint run) in the order measured: each endpoint run follows its bare."""
    found = []
    for before, run in zip(runs, runs[1:], strict=False):
        if before["name"] == BARE and run["name"] != BARE and run["users"] == before["users"]:
            found.append((before, run))
    return found


def ratios(runs: list[dict]) -> dict[str, dict[str, dict]]:
    """Per level and endpoint: the median over rounds of throughput and p99 against the
    bare run just before, with the rounds' own ratios so the spread is visible."""
    collected: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for bare, run in pairs(runs):
        if not bare["requests_per_second"]:
            continue
        throughput = run["requests_per_second"] / bare["requests_per_second"]
        p99 = run["latency_ms"]["p99"] / max(bare["latency_ms"]["p99"], 0.01)
        collected.setdefault((run["users"], run["name"]), []).append((throughput, p99))
    result: dict[str, dict[str, dict]] = {}
    for (users, name), values in sorted(collected.items()):
        result.setdefault(str(users), {})[name] = {
            "throughput": _median([t for t, _ in values]),
            "p99": _median([p for _, p in values]),
            "rounds": [{"throughput": round(t, 3), "p99": round(p, 3)} for t, p in values],
        }
    return result


def targets(summary: list[dict], measured: dict[str, dict[str, dict]]) -> list[dict]:
    """Each target with what this run measured; a target whose endpoint or level was not
    run (a bake without the sample feature, a --users without 50) is left out."""
    found = []
    at_level = measured.get(str(TARGET_USERS), {})
    for name, measure, bound, at_least in RATIO_TARGETS:
        if name not in at_level:
            continue
        value = at_level[name][measure]
        found.append({
            "target": f"{name} {measure} {'≥' if at_least else '≤'} {bound}× bare "
                      f"({TARGET_USERS} users)",
            "measured_ratio": value, "met": value >= bound if at_least else value <= bound})
    top = max((s["users"] for s in summary), default=0)
    if top:
        worst = max(s["latency_ms"]["p99"] for s in summary if s["users"] == top)
        errors = sum(s["errors"] for s in summary if s["users"] == top)
        found.append({"target": f"every p99 at {top} users < {ANSWER_WITHIN_MS} ms (§6.3.3 a)",
                      "measured_ms": worst, "errors": errors,
                      "met": worst < ANSWER_WITHIN_MS and errors == 0})
    return found


def table(results: dict) -> str:
    machine = results["machine"]
    lines = [
        f"\n压测结果（{machine['cores']} 核 {machine['cpu']}；{machine['database']}，"
        f"gunicorn {machine['gunicorn_workers']} 进程 × {machine['gunicorn_threads']} 线程，"
        f"经 nginx HTTPS；每次 {results['seconds_per_run']} 秒，{results['rounds']} 轮 A B A B "
        f"取中位数；登录用户会话 {results['sessions']} 个；"
        f"运行前后系统负载 {machine['load_average_before']} / {machine['load_average_after']}）",
    ]
    header = (f"{'endpoint':<24}{'users':>6}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'errors':>8}{'×bare req/s':>13}{'×bare p99':>11}")
    lines += [header, "-" * len(header)]
    for row in results["summary"]:
        latency = row["latency_ms"]
        ratio = results["ratios"].get(str(row["users"]), {}).get(row["name"])
        label = f"{row['method']} {row['endpoint']}"
        lines.append(
            f"{label:<24}{row['users']:>6}{row['requests_per_second']:>10.1f}"
            f"{latency['p50']:>9.1f}{latency['p95']:>9.1f}{latency['p99']:>9.1f}"
            f"{row['errors']:>8}"
            + (f"{ratio['throughput']:>13.2f}{ratio['p99']:>11.2f}" if ratio else
               f"{'1':>13}{'1':>11}"))
    memory = results["memory"]
    lines.append(f"每个 worker 内存峰值（RSS）最大 {memory['worker_peak_rss_mib_max']} MiB，"
                 f"PSS 平均 {memory['worker_pss_mib_mean']} MiB；"
                 f"master {memory['master_peak_rss_mib']} MiB")
    tokens = results["platform_tokens"]
    lines.append(f"平台 gettoken 调用：{tokens['gettoken_calls']} 次（运行 "
                 f"{tokens['run_seconds']} 秒，令牌有效期 {tokens['token_lifetime_seconds']} 秒）")
    for target in results["targets"]:
        figures = {k: v for k, v in target.items() if k not in ("target", "met")}
        lines.append(f"目标 {target['target']}：{'达到' if target['met'] else '未达到'}"
                     f"（{figures}）")
    return "\n".join(lines)


def plot(summary: list[dict], path: Path) -> Path:
    """req/s and p99 against users, one line per endpoint, the bare route dashed."""
    import matplotlib  # noqa: PLC0415 - a bench-only dependency, loaded when plotting

    matplotlib.use("Agg")
    from matplotlib import pyplot  # noqa: PLC0415

    figure, (throughput, p99) = pyplot.subplots(1, 2, figsize=(11, 4.2))
    names = sorted({row["name"] for row in summary}, key=lambda n: (n != BARE, n))
    for name in names:
        rows = sorted((r for r in summary if r["name"] == name), key=lambda r: r["users"])
        users = [r["users"] for r in rows]
        style = {"linestyle": "--", "color": "black"} if name == BARE else {}
        throughput.plot(users, [r["requests_per_second"] for r in rows], marker="o",
                        label=name, **style)
        p99.plot(users, [r["latency_ms"]["p99"] for r in rows], marker="o", label=name,
                 **style)
    for axes, title, unit in ((throughput, "throughput", "req/s"), (p99, "p99 latency", "ms")):
        axes.set_xscale("log")
        axes.set_xlabel("concurrent users (wrk connections)")
        axes.set_ylabel(unit)
        axes.set_title(f"{title} (median of rounds)")
        axes.grid(True, alpha=0.3)
    throughput.legend(fontsize="small")
    figure.tight_layout()
    figure.savefig(path, format="svg", metadata={"Date": None})
    pyplot.close(figure)
    return path


def write_markdown(results: dict, path: Path, plot_path: Path) -> Path:
    """A report to keep with a release: the table, the targets and the plot."""
    text = (f"# 压测报告（make bench，{results['generated_at']}）\n\n"
            f"![吞吐与 p99 随并发变化]({plot_path.name})\n\n"
            f"```text\n{table(results).strip()}\n```\n\n"
            "比值为同一轮中紧挨着测得的裸 Flask 路由（`/_bench/me`）的倍数，各轮取中位数；"
            "绝对数值随机器和同时运行的其他任务而变，比值可在不同机器间比较。"
            "原始数据见同目录的 results.json。\n")
    path.write_text(text, encoding="utf-8")
    return path
