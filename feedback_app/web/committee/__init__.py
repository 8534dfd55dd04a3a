"""Committee pages under /committee/: login, dashboards, campaign management, reports, exports,
assisted collection.
"""
