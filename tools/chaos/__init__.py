"""The fault suite under load (`make chaos`; its marked share runs in `make test`: tests/fault/).

    load.py    the bounded load generator and its ledger (every command, request id, key, attempt)
    faults.py  the chaos profile's servers, the platform on them, and each fault (break, pause, repair)
    checks.py  nothing lost, nothing twice, projections equal a replay, lag 0, interrupted requests resolved
    suite.py   the faults in turn under the load, then the checks and the table
"""
