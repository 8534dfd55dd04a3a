"""Pure domain code: no Flask, no SQLAlchemy, no I/O. Unit-tested without an app."""
