"""Every write to the reception schedule, sessions and book (services for tiếp công dân)."""
