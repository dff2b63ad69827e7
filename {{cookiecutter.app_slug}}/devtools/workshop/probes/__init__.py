"""Probe modules of the step checks: pytest files run with the project's own fixtures."""
