"""The SMS channel's use cases: a dialogue step per inbound message, status callbacks,
invitations."""
