"""Mask personal data and credentials in every log record the process creates (§8.2 c).

Installed around `Logger.makeRecord`, so it covers the app's loggers, werkzeug,
gunicorn, requests and any library, whatever handler later writes the record: the
message with its arguments, the exception text and any `extra` string field (extras
are attached after the record factory runs, so the factory alone would miss them).
"""

from __future__ import annotations

import logging
from typing import Any

from .detector import mask_text

_STANDARD_ATTRIBUTES = frozenset(logging.LogRecord(
    "x", logging.INFO, "x", 0, "x", (), None).__dict__) | {"message", "asctime"}
_installed = False


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken format string still gets logged, masked
        message = str(record.msg)
    record.msg, record.args = mask_text(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        # The formatter would otherwise print the exception again, unmasked.
        record.exc_info = None
    if record.stack_info:
        record.stack_info = mask_text(record.stack_info)
    for name, value in list(record.__dict__.items()):
        if name not in _STANDARD_ATTRIBUTES and isinstance(value, str):
            setattr(record, name, mask_text(value))
    return record


def install() -> None:
    """Wrap `Logger.makeRecord` once per process."""
    global _installed
    if _installed:
        return
    make_record = logging.Logger.makeRecord

    def make_masked_record(self: logging.Logger, *args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(make_record(self, *args, **kwargs))

    logging.Logger.makeRecord = make_masked_record  # type: ignore[method-assign]
    _installed = True
