"""事项's own tests: the API, its deliveries through the outbox, its part of the backup."""
