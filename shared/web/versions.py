"""Versions over HTTP, for every API whose resources have one: the ETag answered, the If-Match read.

A resource's version is its strong ETag (``"3"``); a change sent with If-Match applies
only to the versions it names (strong comparison), and answers 412 otherwise.
"""
from __future__ import annotations

from flask import request

ETAG = {"ETag": {"description": 'The version, e.g. "3"; send it back in If-Match', "schema": {"type": "string"}}}


def expected_versions() -> frozenset[int] | None:
    """The versions If-Match accepts (strong comparison); None when absent or `*`."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    tags = (tag or "" for tag in if_match.as_set())  # werkzeug reads `""` as None
    return frozenset(int(tag) for tag in tags if tag.isascii() and tag.isdigit() and len(tag) < 19)
