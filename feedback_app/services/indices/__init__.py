"""Satisfaction indices: counters kept as answers arrive, the roll-up to any unit, the index document,
the committee dashboard's figures, re-expression under a later scheme (`flask indices`,
/api/v1/.../index).
"""
