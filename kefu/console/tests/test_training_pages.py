"""Training in the console (R-7.4): the trainer builds a course's exam from articles and
schedules a session with a roll call; the new agent takes the exam; the trainer grades it and
the agent is certified."""

import pytest
from django.test import Client
from django.utils import timezone

from kefu.accounts.choices import Role
from kefu.accounts.tests.factories import UserFactory
from kefu.knowledge.models import Attendance, Course, ExamAttempt, Question
from kefu.knowledge.services import article_approve, article_create

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


def test_a_new_agent_is_certified_through_the_console(lead, agent):
    newcomer = UserFactory(username="new1", role=Role.AGENT, is_certified=False)
    article = article_create(actor=agent, data={"question": "发票怎么补开？",
                                                "answer": "携带身份证到前台办理。"})  # fmt: skip
    article_approve(actor=lead, article_id=article.pk)
    trainer = signed_in(lead)
    r = trainer.post("/training/", {"title": "上岗培训", "article_ids": [article.pk],
                                    "certifies": "1", "cert_months": "12",
                                    "pass_percent": "60"})  # fmt: skip
    course = Course.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/training/courses/{course.pk}/"
    trainer.post(f"/training/courses/{course.pk}/", {"action": "build"})
    question = Question.objects.get(course=course)  # one article, no other answers: open only
    starts = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    page_url = f"/training/courses/{course.pk}/"
    trainer.post(page_url, {"action": "schedule", "starts_at": starts, "place": "培训室",
                            "invited": ["new1"]})  # fmt: skip
    session = course.sessions.get()
    trainer.post(f"/training/courses/{course.pk}/",
                 {"action": "roll", "session": session.pk, "mark_new1": "present"})  # fmt: skip
    assert Attendance.objects.get(session=session).status == "present"
    learner = signed_in(newcomer)
    page = learner.get(f"/training/courses/{course.pk}/").content.decode()
    assert "请写出规范答复" in page and "携带身份证到前台办理" not in page  # no answer shown
    learner.post(f"/training/courses/{course.pk}/",
                 {"action": "exam", f"q_{question.pk}": "带身份证去前台"})  # fmt: skip
    attempt = ExamAttempt.objects.get()
    page = trainer.get(f"/training/courses/{course.pk}/").content.decode()
    assert "带身份证去前台" in page and "参考答案" in page
    r = trainer.post(page_url, {"action": "grade", "attempt": attempt.pk,
                                f"p_{question.pk}": "8"})  # fmt: skip
    assert r.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.is_certified and newcomer.certified_until is not None
    assert "有效" in trainer.get("/training/").content.decode()


def test_a_refused_course_names_the_field(lead):
    r = signed_in(lead).post("/training/", {"title": "", "cert_months": "99"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "请填写课程名称" in page and "cert_months" in page
