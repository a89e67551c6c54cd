"""gunicorn settings shared by the four APIs (override with GUNICORN_CMD_ARGS or the variables below).

Requests gunicorn refuses before any app sees them (a request line over 4094 bytes: 414; a
header line over `limit_request_field_size` or more than 100 headers: 431; a malformed request:
400) are answered in the APIs' JSON error shape too, never gunicorn's HTML page (`json_error`).
The header limit is raised from gunicorn's 8190 bytes so that identity providers' larger bearer
tokens reach the app, which answers a bad one with 401 JSON.
"""
import json
import os

from gunicorn import util

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
timeout = 30
# seconds an idle kept-alive connection stays open (gunicorn's default is 2): a client that reuses a connection
# just as the server closes it gets no answer, which a busy client meets about once in a thousand requests at 2 s
keepalive = int(os.environ.get("WEB_KEEPALIVE", "5"))
graceful_timeout = 20
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
limit_request_field_size = 16 * 1024  # bytes of one header line, `Authorization: Bearer <token>` included


def json_error(sock, status_int, reason, mesg):
    """gunicorn's answer to a request it cannot take, as {"code", "status", "message"} JSON."""
    body = json.dumps({"code": status_int, "status": reason, "message": mesg or reason}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


util.write_error = json_error  # gunicorn has no setting for the shape of its own error answers
