"""GET /v1/stats: what agents did with the drafts, per model, prompt version and day.

`facts` is the one row shape the figures are computed from; `aggregate` turns rows into figures
(pure); `query` reads rows from the database; `schemas` is the HTTP contract.
"""
