"""The demo (`flask demo`): a real province with synthetic households, an open campaign, committee
accounts.
"""
