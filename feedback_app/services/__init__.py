"""Use cases. They flush and never commit: the caller (a request, a CLI command) commits once."""
