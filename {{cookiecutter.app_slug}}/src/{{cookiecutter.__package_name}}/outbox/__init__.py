"""Reliable delivery of todos, messages and reports to the platform."""

from .models import OutboxMessage, enqueue

__all__ = ["OutboxMessage", "enqueue"]
