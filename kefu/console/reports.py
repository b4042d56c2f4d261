"""The first dashboard (报表): follow-up completion and satisfaction today and this week,
complaints by class and by stage, the answer-within-3-rings rate. Each chart's table is
also a download (XLSX) — the figures, not a picture."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kefu.accounts import permissions as P
from kefu.complaints import selectors as complaint_sel
from kefu.complaints import workflow as complaint_flow
from kefu.complaints.choices import Stage
from kefu.console.lang import bilingual
from kefu.core.errors import PermissionDenied
from kefu.core.tables import xlsx_bytes
from kefu.interactions import selectors as interaction_sel
from kefu.reports import selectors as report_sel
from kefu.reports.periods import range_of

TITLES = {
    "followups": gettext_noop("回访完成率与满意度"),
    "complaint_classes": gettext_noop("投诉分类（本月）"),
    "complaint_stages": gettext_noop("处理中投诉所在阶段"),
    "answer_speed": gettext_noop("接听及时率（3 声内）"),
}


def may_report(user) -> bool:
    return P.has_perm(user, P.VIEW_REPORTS)


def dashboard(user, today: dt.date | None = None) -> dict[str, dict]:
    """Each chart as {"title", "columns", "rows"}: the same table draws the chart and fills
    the XLSX."""
    if not may_report(user):
        raise PermissionDenied("只有班长、质检、经理和总经理可查看报表", "Reports: leads and above")
    today = today or timezone.localdate()
    week_start = today - dt.timedelta(days=today.weekday())
    # the counting rules of kefu.reports.aggregate: completion = done on time / due; done is
    # counted in the week it was done, whenever it was due; scores are on the follow-ups
    # report, each question on its own scale
    day_rows = report_sel.followups(range_of("today", today=today), "day", None, "")[0]["rows"]
    week_rows = report_sel.followups(range_of("this_week", today=today), "week", None, "")[0][
        "rows"
    ]
    by_day = {r[0]: r for r in day_rows}
    follow_rows = [
        [family, by_day[family][3] if family in by_day else None, pct, due, on_time, done]
        for family, due, on_time, pct, done, _unsatisfied in week_rows
    ]
    tz = timezone.get_current_timezone()
    month_start = dt.datetime.combine(today.replace(day=1), dt.time.min, tzinfo=tz)
    stats = complaint_sel.classification(user=user, since=month_start)
    class_rows = [
        [bilingual(r["label"]), r["total"], r["open"], r["closed"]] for r in stats["by_class"]
    ]
    open_by_stage = complaint_sel.open_by_stage(user=user)
    stage_rows = [[bilingual(Stage(s).label), open_by_stage.get(s, 0)] for s in complaint_flow.OPEN]
    speed_rows = []
    for label, since in ((_("今日"), today), (_("本周"), week_start)):
        start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        s = interaction_sel.answer_speed(user=user, since=start, until=end)
        speed_rows.append([label, s["calls"], s["within"], _pct(s["rate"])])
    return {
        "followups": {
            "title": _(TITLES["followups"]),
            "columns": [
                _("回访类型"),
                _("今日完成率%"),
                _("本周完成率%"),
                _("本周应回访"),
                _("本周按时完成"),
                _("本周已回访"),
            ],
            "rows": follow_rows,
        },
        "complaint_classes": {
            "title": _(TITLES["complaint_classes"]),
            "columns": [_("类别"), _("投诉数"), _("处理中"), _("已结案")],
            "rows": class_rows,
        },
        "complaint_stages": {
            "title": _(TITLES["complaint_stages"]),
            "columns": [_("阶段"), _("投诉数")],
            "rows": stage_rows,
        },
        "answer_speed": {
            "title": _(TITLES["answer_speed"]),
            "columns": [_("时段"), _("来电"), _("3 声内接听"), _("及时率%")],
            "rows": speed_rows,
        },
    }


def _pct(rate) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def xlsx(chart: dict) -> bytes:
    return xlsx_bytes(chart["title"], chart["columns"], chart["rows"])
