"""The one exception method implementations raise to refuse a call, worded like Telegram."""

from __future__ import annotations

from typing import Any


class ApiReject(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str, parameters: dict[str, Any] | None = None) -> ApiReject:
    return ApiReject(400, f"Bad Request: {reason}", parameters)


def forbidden(reason: str) -> ApiReject:
    return ApiReject(403, f"Forbidden: {reason}")


def too_many_requests(retry_after: int) -> ApiReject:
    return ApiReject(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def conflict(reason: str) -> ApiReject:
    return ApiReject(409, f"Conflict: {reason}")


def unauthorized() -> ApiReject:
    return ApiReject(401, "Unauthorized")


def not_found(detail: str = "") -> ApiReject:
    return ApiReject(404, f"Not Found: {detail}" if detail else "Not Found")
