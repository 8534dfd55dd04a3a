"""Committee accounts and API tokens, and scope: who may read which units and act there (`flask users`,
`flask api-tokens`, /committee/login).
"""
