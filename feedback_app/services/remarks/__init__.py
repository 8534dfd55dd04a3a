"""What residents wrote: the closing comment ("Ý kiến khác") and the reasons given under items
answered "not satisfied". For committees only (every read is scoped by services.accounts.access),
never on a public page or the public API; counted nowhere in the index."""
