"""Django's own error pages (404, 400, 403, 500): JSON in the API's error shape under
/api/, the console's page elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

TEXTS = {
    400: ("bad_request", "请求无效", "Bad request"),
    403: ("forbidden", "无权访问（或 CSRF 校验失败）", "Forbidden (or CSRF check failed)"),
    404: ("not_found", "地址不存在", "No such address"),
    500: ("server_error", "服务器内部错误，已记录", "Server error; it has been logged"),
}


def _answer(request: HttpRequest, status: int) -> HttpResponse:
    code, zh, en = TEXTS[status]
    if request.path.startswith("/api/"):
        field = "path" if status == 404 else ""
        return JsonResponse(
            {"errors": [{"field": field, "code": code, "message": zh, "message_en": en}]},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    if status == 500:  # the console's own page may be what failed: plain text here
        return HttpResponse(f"<h1>{zh} / {en}</h1>", status=500)
    return render(request, "console/error.html", {"problems": [f"{zh} / {en}"]}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _answer(request, 400)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _answer(request, 403)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _answer(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _answer(request, 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _answer(request, 403)
