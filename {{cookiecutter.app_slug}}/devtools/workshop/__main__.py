"""`python -m devtools.workshop STEP`: run one step's check (what `make workshop-check` calls)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import STEPS
from .checks import run_step


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make workshop-check",
                                     description="检查工作坊某一步是否完成")
    parser.add_argument("step", help="步骤编号 1-6，例如 make workshop-check STEP=2")
    arguments = parser.parse_args(argv)
    if not arguments.step.isdigit() or int(arguments.step) not in STEPS:
        print(f"没有第 {arguments.step or '（空）'} 步：请用 STEP=1 到 STEP={max(STEPS)}，"
              "例如 make workshop-check STEP=1。", file=sys.stderr)
        return 2
    step = int(arguments.step)
    print(f"第 {step} 步 · {STEPS[step]}")
    missing = run_step(step, Path.cwd())
    if missing:
        print(f"还差 {len(missing)} 项：")
        for number, problem in enumerate(missing, 1):
            print(f"  {number}. {problem}")
        print(f"改好后再运行 make workshop-check STEP={step}；"
              f"做法见 docs/tutorial/{step}-*.md。")
        return 1
    print("通过 ✓")
    return 0


if __name__ == "__main__":
    sys.exit(main())
