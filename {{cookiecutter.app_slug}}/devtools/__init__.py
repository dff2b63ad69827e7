"""Developer tools for this app: run on a laptop or in tests, never deployed."""
