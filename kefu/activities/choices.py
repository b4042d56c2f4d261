"""Choice lists of customer activities (R-9.2)."""

from django.db import models


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", "知识讲座 lecture"
    CLUB_MEETING = "club_meeting", "俱乐部聚会 club meeting"
    ROAD_TRIP = "road_trip", "自驾游 self-drive trip"
    ANNIVERSARY = "anniversary", "店庆 store anniversary"
    OTHER = "other", "其他活动 other"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "筹备中 planning"
    OPEN = "open", "报名中 open"
    DONE = "done", "已结束 done"
    CANCELLED = "cancelled", "已取消 cancelled"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", "已报名 registered"
    WAITING = "waiting", "候补 waiting list"
    CANCELLED = "cancelled", "已取消 cancelled"
    ATTENDED = "attended", "已签到 attended"
    NO_SHOW = "no_show", "未到场 no-show"


class Source(models.TextChoices):
    CONSOLE = "console", "前台登记 console"
    REPLY = "reply", "短信回复 SMS reply"
    IMPORT = "import", "导入 import"
    WALK_IN = "walk_in", "现场签到 walk-in"


# who holds a seat
SEATED = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED)
