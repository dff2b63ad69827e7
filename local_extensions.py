"""Jinja extension that cookiecutter loads in its own process (cookiecutter.json `_extensions`).

When hooks/pre_gen_project.py refuses the answers it has already printed every reason, in
Chinese, with the way to re-run; it then exits 1. cookiecutter 2.7 answers that exit by
logging "Stopping generation because pre_gen_project hook script didn't exit successfully"
together with the FailedHookException traceback (cookiecutter.hooks.run_hook_from_repo_dir,
logger.exception), which buries the report under a dozen English lines that add nothing.
A hook runs in a child process and cannot reach cookiecutter's logging; this extension runs
in cookiecutter's process, so it drops that one record. Any other failure keeps its message
and traceback, and the hook's own stderr (a crash in the hook included) is never touched.
cookiecutter puts the template directory on sys.path while it loads extensions; cruft does too.
"""

from __future__ import annotations

import logging

from jinja2.ext import Extension

HOOKS_LOGGER = "cookiecutter.hooks"
REFUSAL_PREFIX = "Stopping generation because pre_gen_project hook"


class RefusalAlreadyReported(logging.Filter):
    """Drop cookiecutter's traceback record for a pre_gen_project refusal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(REFUSAL_PREFIX)


REFUSAL_FILTER = RefusalAlreadyReported()


class QuietHookRefusal(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        logger = logging.getLogger(HOOKS_LOGGER)
        if REFUSAL_FILTER not in logger.filters:  # one environment is made per rendered file
            logger.addFilter(REFUSAL_FILTER)
