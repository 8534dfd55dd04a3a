"""Campaigns: setting one up and issuing household codes (`flask campaigns`), a committee's campaigns
and their management (/committee/campaigns/...), slips and posters, the API catalogue.
"""
