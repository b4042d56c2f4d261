"""Choice lists of outbound work: segments and call campaigns (R-9.3)."""

from django.db import models


class CampaignKind(models.TextChoices):
    TELEMARKETING = "telemarketing", "电话营销 telemarketing"
    WIN_BACK = "win_back", "流失挽回 win-back"
    RENEWAL = "renewal", "续保/续费 renewal"
    INVITATION = "invitation", "活动邀约 activity invitation"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "草稿 draft"
    ACTIVE = "active", "进行中 calling"
    PAUSED = "paused", "已暂停 paused"
    CLOSED = "closed", "已结束 closed"


class CallStatus(models.TextChoices):
    PENDING = "pending", "待拨打 to call"
    DONE = "done", "已完成 done"
    UNREACHABLE = "unreachable", "无法联系 unreachable"
    DO_NOT_CALL = "do_not_call", "勿再致电 do not call"
    EXCLUDED = "excluded", "已排除 excluded"


class Outcome(models.TextChoices):
    """What one call came to (seed 000, 电话营销: from the opening to the close)."""

    NO_ANSWER = "no_answer", "无人接听 no answer"
    BUSY = "busy", "占线 busy"
    WRONG_NUMBER = "wrong_number", "号码错误 wrong number"
    CALL_BACK = "call_back", "约定回电 call back at"
    NOT_INTERESTED = "not_interested", "不感兴趣 not interested"
    INTERESTED = "interested", "有意向 interested"
    APPOINTMENT = "appointment", "已预约 appointment"
    SOLD = "sold", "已成交 sold"
    DO_NOT_CALL = "do_not_call", "勿再致电 do not call again"


# calls that never reached the customer: retried by the campaign's rule
NOT_REACHED = (Outcome.NO_ANSWER, Outcome.BUSY, Outcome.WRONG_NUMBER)
# the outcomes that end the customer's call with a result
CLOSING = {
    Outcome.NOT_INTERESTED: CallStatus.DONE,
    Outcome.INTERESTED: CallStatus.DONE,
    Outcome.APPOINTMENT: CallStatus.DONE,
    Outcome.SOLD: CallStatus.DONE,
    Outcome.WRONG_NUMBER: CallStatus.UNREACHABLE,
    Outcome.DO_NOT_CALL: CallStatus.DO_NOT_CALL,
}


class Exclusion(models.TextChoices):
    """Why a customer of the segment is kept off the call list (do-not-call, R-9.3)."""

    OPT_OUT = "opt_out", "拒接电话 opted out of calls"
    NO_PHONE = "no_phone", "没有电话 no phone number"
    COOL_OFF = "cool_off", "近期已联系 contacted recently"
    INACTIVE = "inactive", "非有效客户 not an active customer"
