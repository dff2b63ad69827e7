"""Command line: `python -m devtools.platform_sim --host 127.0.0.1 --port 5001`."""

from __future__ import annotations

import argparse
import os
import sys

from . import create_app
from .server import RedactingHandler
from .settings import SimSettings, SimSettingsError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.platform_sim",
        description="一网协同本地平台模拟器（仅用于开发和测试）",
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=5001, help="监听端口（默认 5001）")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = SimSettings.from_env(os.environ)
    except SimSettingsError as error:
        print(f"模拟器配置有误：{error}", file=sys.stderr)
        return 2
    app = create_app(settings)
    base = f"http://{args.host}:{args.port}"
    print(f"一网协同模拟器已启动：{base}  （控制台 {base}/_sim/）", flush=True)
    print(f"CorpID {settings.corp_id}，应用 {settings.agent_id} / PC {settings.pc_agent_id}",
          flush=True)
    # load_dotenv=False: the app's .env is not the simulator's configuration.
    app.run(host=args.host, port=args.port, threaded=True, use_reloader=False,
            load_dotenv=False, request_handler=RedactingHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
