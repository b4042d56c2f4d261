"""Choices of the knowledge app."""

from django.db import models


class ArticleStatus(models.TextChoices):
    """An article's way to the agents (R-7.2): written, approved by a team lead, published;
    retired when it no longer holds."""

    PENDING = "pending", "待审核 awaiting approval"
    PUBLISHED = "published", "已发布 published"
    REJECTED = "rejected", "已退回 sent back"
    RETIRED = "retired", "已停用 retired"


class QuestionKind(models.TextChoices):
    CHOICE = "choice", "选择题 multiple choice"
    OPEN = "open", "问答题 open question"


class AttemptStatus(models.TextChoices):
    SUBMITTED = "submitted", "待评阅 to grade"
    GRADED = "graded", "已评分 graded"


class PlanStatus(models.TextChoices):
    OPEN = "open", "待落实 open"
    DONE = "done", "已完成 done"


class Attendance(models.TextChoices):
    INVITED = "invited", "已通知 invited"
    PRESENT = "present", "出席 present"
    LATE = "late", "迟到 late"
    ABSENT = "absent", "缺席 absent"
