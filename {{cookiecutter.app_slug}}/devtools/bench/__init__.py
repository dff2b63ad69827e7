"""Benchmarks of the loopback stack (`make bench`); dev-only, never deployed."""
