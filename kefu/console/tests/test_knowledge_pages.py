"""The knowledge base in the console (R-7.2): the lead approves on the article's page, the
agent finds the answer in the call page's panel (search and suggestions), copies it (a use)
and rates it."""

import pytest
from django.test import Client

from kefu.knowledge.models import Article
from kefu.knowledge.services import article_approve, article_create

pytestmark = pytest.mark.django_db


def signed_in(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def article(agent, lead):
    made = article_create(actor=agent, data={"question": "车门异响怎么办？",
                                             "answer": "请预约到店检查，我为您登记。",
                                             "category": "repair", "tags": "异响"})  # fmt: skip
    return made


def test_the_lead_publishes_on_the_article_page_and_agents_then_find_it(agent, lead, article):
    page = signed_in(lead).get("/knowledge/").content.decode()
    assert "待我审核" in page and "车门异响怎么办？" in page
    r = signed_in(lead).post(f"/knowledge/{article.pk}/", {"action": "approve", "note": ""})
    assert r.status_code == 302
    assert Article.objects.get(pk=article.pk).status == "published"
    panel = signed_in(agent).get("/knowledge/panel/", {"q": "yixiang"}).content.decode()
    assert "请预约到店检查" in panel and "引用到答复" in panel


def test_the_call_page_has_the_panel_and_suggestions_follow_the_typing(agent, lead, article):
    article_approve(actor=lead, article_id=article.pk)
    c = signed_in(agent)
    assert "data-kb" in c.get("/call/").content.decode()
    r = c.post("/knowledge/suggest/", {"category": "repair", "text": "客户反映车门异响"})
    assert "车门异响怎么办？" in r.content.decode()
    assert c.post(f"/knowledge/{article.pk}/use/").status_code == 204
    assert (
        "谢谢反馈"
        in c.post(f"/knowledge/{article.pk}/feedback/", {"helpful": "1"}).content.decode()
    )
    article.refresh_from_db()
    assert (article.uses, article.helpful) == (1, 1)


def test_a_refused_article_keeps_what_was_typed_and_names_the_field(agent):
    r = signed_in(agent).post("/knowledge/", {"question": "", "answer": "请预约到店检查"})
    assert r.status_code == 422
    page = r.content.decode()
    assert "请填写问题" in page and "请预约到店检查" in page
