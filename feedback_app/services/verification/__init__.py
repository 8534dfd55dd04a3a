"""Verification (thẩm tra) by the committee above: plausibility flags (flags.py), their limits per
campaign (settings.py) and the sentences that explain them (wording.py)."""
