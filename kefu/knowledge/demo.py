"""The demo center's knowledge base (R-7.2): common questions of a car dealer's customers
with their standard answers, published by the team lead; one waiting for approval and one
not reviewed for a long time, so the lead's lists have rows."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kefu.accounts.models import User
from kefu.knowledge.models import Article
from kefu.knowledge.services import article_approve, article_create

ARTICLES = [
    (
        "保养周期是多久？",
        "您好，新车首保在 5000 公里或 6 个月（以先到者为准），之后每 10000 公里或 12 个月保养一次。我帮您查一下您车辆的下次保养时间。",  # noqa: E501
        "consultation",
        "保养 首保",
    ),
    (
        "怎么预约保养？",
        "您可以通过服务热线、微信公众号或直接告诉我方便的时间，我为您登记并由服务顾问提前一天电话确认。",
        "consultation",
        "保养 预约",
    ),
    (
        "车门或底盘有异响怎么办？",
        "很抱歉给您带来不便。异响需要到店检查才能确定原因，我为您预约最近的维修时间，并请技师重点检查。",
        "repair",
        "异响 维修",
    ),
    (
        "空调不制冷怎么办？",
        "请先确认 A/C 按钮已打开、温度调至最低。如仍不制冷，可能是冷媒不足或压缩机故障，我为您预约到店检测。",  # noqa: E501
        "repair",
        "空调 维修",
    ),
    (
        "发票怎么补开？",
        "请携带购车人身份证和原购车合同到店前台办理，一般 3 个工作日内开出，我可以先帮您登记。",
        "other",
        "发票",
    ),
    (
        "保险快到期了怎么续保？",
        "我们可以为您提供续保报价，多家保险公司可选，续保还可享受保养优惠。我请续保专员今天给您回电。",
        "consultation",
        "保险 续保",
    ),
    (
        "延保包含哪些项目？",
        "延保覆盖发动机、变速箱等主要总成的非人为故障，不含易损件和保养项目，具体以延保合同为准。",
        "consultation",
        "延保",
    ),
    (
        "对维修结果不满意怎么办？",
        "非常抱歉让您不满意。我先记录您的情况，由售后经理在 24 小时内联系您，给您一个明确的处理方案。",  # noqa: E501
        "complaint",
        "投诉 返修",
    ),
]


def demo_articles() -> int:
    """The articles, written by an agent and published by the lead; the last one waits."""
    writer = User.objects.get(username="agent1")
    lead = User.objects.get(username="lead")
    for n, (question, answer, category, tags) in enumerate(ARTICLES):
        data = {"question": question, "answer": answer, "category": category, "tags": tags}
        article = article_create(actor=writer, data=data)
        if n < len(ARTICLES) - 1:
            article_approve(actor=lead, article_id=article.pk)
    # one not reviewed for eight months: on the lead's stale list
    Article.objects.filter(question=ARTICLES[4][0]).update(
        reviewed_at=timezone.now() - dt.timedelta(days=240), uses=12
    )
    Article.objects.filter(question=ARTICLES[0][0]).update(uses=35, helpful=6)
    return len(ARTICLES)


def demo_training() -> int:
    """The 上岗培训 course on the first four articles with its exam, next Monday's session
    for agent4, a plan from last week's QA, and agent4's exam waiting to be graded."""
    from kefu.knowledge import training
    from kefu.knowledge.models import Question

    lead = User.objects.get(username="lead")
    ids = list(
        Article.objects.filter(status="published").order_by("id").values_list("id", flat=True)[:4]
    )
    course = training.course_create(actor=lead, data={
        "title": "新坐席上岗培训", "description": "常见问题规范用语与服务礼仪",
        "article_ids": ids, "certifies": True, "cert_months": 12})  # fmt: skip
    training.questions_from_articles(actor=lead, course_id=course.pk, seed=1)
    today = timezone.localdate()
    why = "上周抽检“服务用语”失分最多，禁忌用语“不知道”出现多次"
    plan = training.plan_create(actor=lead, data={
        "title": "服务用语专项培训", "reason": why,
        "agents": ["agent2", "agent4"], "course_id": course.pk,
        "week": (today - dt.timedelta(days=7)).isoformat()})  # fmt: skip
    monday = today + dt.timedelta(days=7 - today.weekday())
    training.session_schedule(actor=lead, course_id=course.pk, data={
        "starts_at": f"{monday}T14:00:00", "place": "二楼培训室", "plan_id": plan.pk})  # fmt: skip
    answers = {str(q.pk): (q.answer if q.kind == "choice" else "我帮您登记，稍后回电")
               for q in Question.objects.filter(course=course)}  # fmt: skip
    training.exam_submit(actor=User.objects.get(username="agent4"), course_id=course.pk,
                         answers=answers)  # fmt: skip
    return 1
