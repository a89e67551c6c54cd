"""The read side: report documents in, report dicts out (what the API schemas dump).

Each module has one query function taking the database and the caller's clinic
(None when the report does not exist in that clinic) and pure ``*_view``
functions that compute the figures from documents, tested without a store.
"""
