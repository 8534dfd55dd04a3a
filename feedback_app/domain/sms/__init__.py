"""The SMS dialogue, pure: folding text, reading replies, the conversation's steps, prompt texts."""
