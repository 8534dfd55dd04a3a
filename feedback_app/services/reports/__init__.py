"""Upward reporting: draft, submit, accept, return a unit's report (`flask reports`,
/committee/campaigns/<key>/units/<unit>/report), what a report says, and the public results once
accepted.
"""
