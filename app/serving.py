"""The gunicorn worker the service runs on: gunicorn's threaded worker, except that a request gunicorn itself
refuses before the app sees it (a raw, unencoded UTF-8 query string, a header too long, ...) is answered in
the API.md error envelope as JSON, not gunicorn's HTML page. Used by scripts/run.sh and the README's
deployment command: `gunicorn --worker-class app.serving.EnvelopeWorker …`.
"""
import json

from gunicorn.http import errors as http_errors
from gunicorn.workers.gthread import ThreadWorker

# (status, reason, code, message): zh_CN, as the app answers by default; no app context exists this early.
_REFUSALS = [
    (http_errors.LimitRequestLine, 414, "URI Too Long", "URI_TOO_LONG", "请求地址过长。"),
    (http_errors.LimitRequestHeaders, 431, "Request Header Fields Too Large", "HEADERS_TOO_LARGE",
     "请求头过大。"),
    (http_errors.UnsupportedTransferCoding, 501, "Not Implemented", "NOT_IMPLEMENTED", "不支持该传输编码。"),
    (http_errors.ForbiddenProxyRequest, 403, "Forbidden", "FORBIDDEN", "拒绝该代理请求。"),
    (http_errors.InvalidRequestLine, 400, "Bad Request", "MALFORMED_REQUEST",
     "请求行格式错误：网址中的非 ASCII 字符须按 UTF-8 百分号编码（如 %E4%B8%AD）。"),
]
_DEFAULT = (400, "Bad Request", "MALFORMED_REQUEST", "请求格式错误。")


def refusal(exc):
    """(status, reason, envelope bytes) for a request gunicorn could not parse."""
    status, reason, code, message = next((row[1:] for row in _REFUSALS if isinstance(exc, row[0])), _DEFAULT)
    body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()
    return status, reason, body


class EnvelopeWorker(ThreadWorker):
    def handle_error(self, req, client, addr, exc):
        # Errors of the response (the app's fault) and of the connection keep gunicorn's handling (a 500).
        refused = isinstance(exc, http_errors.ParseException) and not isinstance(
            exc, (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName,
                  http_errors.ConfigurationProblem))
        if not refused:
            return super().handle_error(req, client, addr, exc)
        status, reason, body = refusal(exc)
        self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"X-Content-Type-Options: nosniff\r\nContent-Length: {len(body)}\r\n\r\n").encode("latin-1")
        try:
            client.sendall(head + body)
        except OSError:
            self.log.debug("Failed to send error message.")
