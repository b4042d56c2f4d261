"""The REST API under /api/v1: one NinjaAPI, one router per app, errors as JSON with fields."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

from kefu.accounts.api import AUTH
from kefu.activities.api import router as activities_router
from kefu.care.api import router as care_router
from kefu.care.api import sms_router
from kefu.complaints.api import router as complaints_router
from kefu.core.errors import KefuError
from kefu.customers.api import imports_router
from kefu.customers.api import router as customers_router
from kefu.followups.api import events_router
from kefu.followups.api import router as followups_router
from kefu.interactions.api import cti_router, notices_router, tasks_router
from kefu.interactions.api import router as interactions_router
from kefu.knowledge.api import router as knowledge_router
from kefu.knowledge.api import training_router
from kefu.members.api import router as members_router
from kefu.outbound.api import calls_router, campaigns_router, segments_router
from kefu.quality.api import cti_transcripts_router
from kefu.quality.api import router as quality_router
from kefu.reports.api import analysis_router, monthly_router, points_router
from kefu.reports.api import router as reports_router
from kefu.setup.api import router as privacy_router
from kefu.tickets.api import router as tickets_router


class LocalTimeEncoder(NinjaJSONEncoder):
    """Times in the center's time zone (R-0.1): 2026-11-22T09:30:00+08:00, not UTC."""

    def default(self, o):
        if isinstance(o, dt.datetime) and timezone.is_aware(o):
            o = timezone.localtime(o)
        return super().default(o)


class LocalTimeRenderer(JSONRenderer):
    encoder_class = LocalTimeEncoder


api = NinjaAPI(
    renderer=LocalTimeRenderer(),
    title="Kefu API",
    version="1",
    description=(
        "Kefu 客服中心管理系统 REST API. Authenticate with `Authorization: Bearer <token>` "
        '(`kefu token create USERNAME`). Errors: `{"errors": [{"field", "code", '
        '"message" (中文), "message_en"}]}`.'
    ),
    auth=AUTH,
    urls_namespace="api-v1",
)


@api.exception_handler(KefuError)
def kefu_error(request: HttpRequest, exc: KefuError):
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def schema_error(request: HttpRequest, exc: NinjaValidationError):
    errors = []
    for err in exc.errors:
        loc = [str(x) for x in err.get("loc", []) if x not in ("body", "payload", "query")]
        name = ".".join(loc)
        errors.append(
            {
                "field": name,
                "code": err.get("type", "invalid"),
                "message": f"字段 {name} 无效：{err.get('msg', '')}",
                "message_en": f"Invalid {name}: {err.get('msg', '')}",
            }
        )
    return api.create_response(request, {"errors": errors}, status=422)


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def out_of_range(request: HttpRequest, exc):
    """A number too large for the database (e.g. an id in the path): the input's fault."""
    return api.create_response(
        request,
        {
            "errors": [
                {
                    "field": "",
                    "code": "out_of_range",
                    "message": "数值超出范围",
                    "message_en": "A number is out of range",
                }
            ]
        },
        status=422,
    )


def problem(field: str, code: str, message: str, message_en: str) -> dict:
    return {
        "errors": [{"field": field, "code": code, "message": message, "message_en": message_en}]
    }


@api.exception_handler(RequestDataTooBig)
def body_too_large(request: HttpRequest, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        problem(
            "body",
            "too_large",
            f"请求内容超过 {limit // 1024} KB 上限",
            f"The body is larger than the {limit // 1024} KB limit",
        ),
        status=413,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    """Ninja's own refusals: a body that is not the JSON it says it is (400), a console
    session's POST without its CSRF token (403)."""
    if exc.status_code == 400:
        body = problem(
            "body", "malformed", f"请求内容无法解析：{exc}", f"The body cannot be parsed: {exc}"
        )
    elif "CSRF" in str(exc):
        body = problem(
            "X-CSRFToken",
            "csrf_failed",
            "CSRF 校验失败：请从控制台页面重新提交",
            "CSRF check failed: submit again from a console page",
        )
    else:
        body = problem("", f"http_{exc.status_code}", str(exc), str(exc))
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc):
    return api.create_response(
        request,
        {
            "errors": [
                {
                    "field": "Authorization",
                    "code": "unauthorized",
                    "message": "未登录或令牌无效",
                    "message_en": "Missing or invalid token",
                }
            ]
        },
        status=401,
    )


api.add_router("/customers", customers_router)
api.add_router("/imports", imports_router)
api.add_router("/interactions", interactions_router)
api.add_router("/cti", cti_router)
api.add_router("/cti/transcripts", cti_transcripts_router)
api.add_router("/callbacks", tasks_router)
api.add_router("/notices", notices_router)
api.add_router("/tickets", tickets_router)
api.add_router("/complaints", complaints_router)
api.add_router("/followups", followups_router)
api.add_router("/events", events_router)
api.add_router("/care", care_router)
api.add_router("/sms", sms_router)
api.add_router("/quality", quality_router)
api.add_router("/knowledge", knowledge_router)
api.add_router("/training", training_router)
api.add_router("/reports", reports_router)
api.add_router("/points", points_router)
api.add_router("/analysis", analysis_router)
api.add_router("/monthly-reports", monthly_router)
api.add_router("/segments", segments_router)
api.add_router("/call-campaigns", campaigns_router)
api.add_router("/campaign-calls", calls_router)
api.add_router("/members", members_router)
api.add_router("/activities", activities_router)
api.add_router("/privacy", privacy_router)
