"""Care and reminders (R-6): a day's greetings and reminders from the rules, lifecycle
notices from events, and sending — at least once, never twice for one occasion, always
respecting opt-outs and the customer's rest time (R-6.4)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time

from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from lunar_python import Lunar, LunarMonth, LunarYear, Solar

from kefu.accounts import permissions as P
from kefu.accounts.models import User
from kefu.accounts.permissions import require
from kefu.care import choices as ch
from kefu.care.models import Campaign, CareRule, Message, MessageTemplate, SurveyRule
from kefu.care.providers import Outgoing, sms_provider, template_variables
from kefu.core.errors import FieldError
from kefu.core.services import center_settings
from kefu.core.tables import csv_bytes
from kefu.customers.choices import BirthdayCalendar, PhoneKind
from kefu.customers.choices import Status as CustomerStatus
from kefu.customers.inputs import parse_date
from kefu.customers.models import Asset, Customer, CustomerPhone, PiiAccessLog
from kefu.followups import rules as R
from kefu.followups.choices import Kind as FollowUpKind
from kefu.followups.services import followup_open

logger = logging.getLogger("kefu.care")
SEND_HOUR = dt.time(9, 0)  # a day's greetings and reminders go out from 09:00
MAX_ATTEMPTS = 3
STALE_CLAIM = dt.timedelta(minutes=10)
SOLAR_HOLIDAYS: dict[str, tuple[int, int]] = {
    ch.Holiday.NEW_YEAR: (1, 1),
    ch.Holiday.VALENTINE: (2, 14),
    ch.Holiday.MAY_DAY: (5, 1),
    ch.Holiday.NATIONAL_DAY: (10, 1),
}
LUNAR_HOLIDAYS: dict[str, tuple[int, int]] = {
    ch.Holiday.SPRING_FESTIVAL: (1, 1),
    ch.Holiday.MID_AUTUMN: (8, 15),
}


def holiday_date(holiday: str, year: int) -> dt.date:
    """The solar date of a holiday in `year`; lunar festivals computed for that year."""
    if holiday in SOLAR_HOLIDAYS:
        return dt.date(year, *SOLAR_HOLIDAYS[holiday])
    month, day = LUNAR_HOLIDAYS[holiday]
    solar = Lunar.fromYmd(year, month, day).getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def solar_keys(day: dt.date) -> set[str]:
    """Solar birthdays celebrated on `day`; 29 February is kept on the 28th otherwise."""
    keys = {day.strftime("%m-%d")}
    leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
    if day.month == 2 and day.day == 28 and not leap:
        keys.add("02-29")
    return keys


def lunar_keys(day: dt.date) -> set[str]:
    """Lunar birthdays celebrated on `day`. A birthday in a leap month is kept in that leap
    month when the year has one, else in the ordinary month; the 30th of a month that has
    only 29 days this year is kept on the 29th."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month, d, year = lunar.getMonth(), lunar.getDay(), lunar.getYear()
    last_day = d == 29 and LunarMonth.fromYm(year, month).getDayCount() == 29
    days = [d, 30] if last_day else [d]
    if month < 0:
        return {f"L{-month:02d}-{x:02d}" for x in days}
    keys = {f"{month:02d}-{x:02d}" for x in days}
    if LunarYear.fromYear(year).getLeapMonth() != month:
        keys |= {f"L{month:02d}-{x:02d}" for x in days}
    return keys


def birthday_customers(day: dt.date):
    """Customers whose birthday, solar or lunar as each keeps it, falls on `day` (R-6.1)."""
    return Customer.objects.filter(
        Q(birthday_calendar=BirthdayCalendar.SOLAR, birthday_key__in=solar_keys(day))
        | Q(birthday_calendar=BirthdayCalendar.LUNAR, birthday_key__in=lunar_keys(day)),
        status=CustomerStatus.ACTIVE,
    )


def _with_mobile(qs, customer: str = "pk"):
    mobile = CustomerPhone.objects.filter(customer=OuterRef(customer), kind=PhoneKind.MOBILE)
    return qs.annotate(mobile=Subquery(mobile.order_by("-is_primary", "id").values("number")[:1]))


def _at(day: dt.date, time: dt.time = SEND_HOUR) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


def greeting_context(customer: Customer, center: str) -> dict[str, str]:
    """How a message addresses the customer: {name} {surname} {title} (先生/女士) {center}."""
    return {
        "name": customer.name,
        "surname": customer.name[:1],
        "title": {"male": "先生", "female": "女士"}.get(customer.gender, ""),
        "center": center,
    }


class Batch:
    """Messages of one run, written in chunks; the unique key drops any already made."""

    def __init__(self, size: int = 5000):
        self.rows: list[Message] = []
        self.size, self.count = size, 0
        self.center = center_settings().name

    def add(self, *, key, customer, rule, when, context, asset=None, mobile=None):
        template = rule.template
        ctx = {
            **greeting_context(customer, self.center),
            "model": getattr(asset, "model", ""),
            "plate": getattr(asset, "plate", ""),
            **context,
        }
        to, skip = "", ""
        if template.channel == ch.Channel.SMS:
            to = mobile if mobile is not None else _mobile_of(customer)
            skip = "opt_out" if customer.sms_opt_out else ("" if to else "no_mobile")
        elif template.channel == ch.Channel.EMAIL:
            to, skip = customer.email, "" if customer.email else "no_email"
        elif template.channel == ch.Channel.LETTER:
            to, skip = customer.address, "" if customer.address else "no_address"
        elif template.channel == ch.Channel.PHONE:
            skip = "opt_out" if customer.phone_opt_out else ""
        self.rows.append(
            Message(
                key=key,
                customer=customer,
                rule=rule,
                template=template,
                channel=template.channel,
                to=to,
                subject=R.render(template.subject, ctx),
                body=R.render(template.body, ctx),
                params={k: str(ctx.get(k, "")) for k in template_variables(template.body)},
                scheduled_for=when,
                status=ch.Status.SKIPPED if skip else ch.Status.QUEUED,
                skip_reason=skip,
            )
        )
        if len(self.rows) >= self.size:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with transaction.atomic():
            Message.objects.bulk_create(self.rows, ignore_conflicts=True, batch_size=self.size)
            phone_tasks = [
                m for m in self.rows if m.channel == ch.Channel.PHONE and not m.skip_reason
            ]
            _phone_tasks(phone_tasks)
        self.count += len(self.rows)
        self.rows = []


def _mobile_of(customer: Customer) -> str:
    phone = customer.phones.filter(kind=PhoneKind.MOBILE).order_by("-is_primary", "id").first()
    return phone.number if phone else ""


def _phone_tasks(messages: list[Message]) -> None:
    """A greeting or reminder by phone is a call task for the customer's agent."""
    for m in messages:
        followup_open(
            kind=FollowUpKind.CARE,
            source_key=f"care:{m.key}"[:100],
            customer=m.customer,
            owner=m.customer.owner,
            due_on=timezone.localdate(m.scheduled_for),
            due_by=timezone.localdate(m.scheduled_for),
            note=m.body,
        )
    Message.objects.filter(key__in=[m.key for m in messages], status=ch.Status.QUEUED).update(
        status=ch.Status.SENT, provider="task", sent_at=timezone.now()
    )


def care_run(day: dt.date | None = None) -> int:
    """A day's birthday greetings, holiday greetings and service reminders (R-6.1, R-6.2).
    Idempotent: each message has its key, so a rerun (or a run resumed after a crash) makes
    only what is missing. Returns how many messages the day's rules produced."""
    day = day or timezone.localdate()
    batch = Batch()
    when = _at(day)
    for rule in CareRule.objects.filter(active=True).select_related("template"):
        if rule.kind == ch.Kind.BIRTHDAY:
            latest = rule.days_before_min if rule.days_before_min is not None else rule.days_before
            for ahead in range(latest, rule.days_before + 1):
                target = day + dt.timedelta(days=ahead)
                for customer in _with_mobile(birthday_customers(target)).iterator(2000):
                    batch.add(
                        key=f"birthday:{rule.code}:{customer.pk}:{target.year}",
                        customer=customer,
                        rule=rule,
                        when=when,
                        context={"date": f"{target:%m月%d日}", "days": ahead},
                        mobile=customer.mobile or "",
                    )
        elif rule.kind == ch.Kind.HOLIDAY:
            target = day + dt.timedelta(days=rule.days_before)
            if holiday_date(rule.holiday, target.year) != target:
                continue
            # Everyone gets it: a campaign the sender expands chunk by chunk.
            _, created = Campaign.objects.get_or_create(
                key=f"holiday:{rule.code}:{target.year}",
                defaults={"rule": rule, "target_date": target, "scheduled_for": when},
            )
            batch.count += created
        elif rule.kind == ch.Kind.SERVICE:
            target = day + dt.timedelta(days=rule.days_before)
            assets = Asset.objects.filter(
                **{rule.service_date: target}, customer__status=CustomerStatus.ACTIVE
            ).select_related("customer")
            for asset in _with_mobile(assets, "customer_id").iterator(2000):
                batch.add(
                    key=f"service:{rule.code}:{asset.pk}:{target}",
                    customer=asset.customer,
                    rule=rule,
                    when=when,
                    asset=asset,
                    context={"date": f"{target:%Y年%m月%d日}", "days": rule.days_before},
                    mobile=asset.mobile or "",
                )
        elif rule.kind == ch.Kind.MEMBER_CARD:
            target = day + dt.timedelta(days=rule.days_before)
            members = Customer.objects.filter(
                card_expires_on=target, status=CustomerStatus.ACTIVE
            ).order_by("pk")
            for customer in _with_mobile(members).iterator(2000):
                batch.add(
                    key=f"card:{rule.code}:{customer.pk}:{target}",
                    customer=customer,
                    rule=rule,
                    when=when,
                    context={"date": f"{target:%Y年%m月%d日}", "days": rule.days_before},
                    mobile=customer.mobile or "",
                )
        elif rule.kind == ch.Kind.CAMPAIGN:
            target = day + dt.timedelta(days=rule.days_before)
            if not _campaign_on(rule.campaign_date, target):
                continue
            _, created = Campaign.objects.get_or_create(
                key=f"campaign:{rule.code}:{target}",
                defaults={"rule": rule, "target_date": target, "scheduled_for": when},
            )
            batch.count += created
    batch.flush()
    return batch.count


LIST_MAX = 5000  # customers one list send may reach
KEY_ROOM = 100 - 21  # Message.key's length less ":" and a customer id


def list_rules() -> list[CareRule]:
    """The rules a list may be sent (R-8.2 churn lists → care): campaigns, active, whose
    message is not a phone task."""
    return list(
        CareRule.objects.filter(active=True, kind=ch.Kind.CAMPAIGN)
        .exclude(template__channel=ch.Channel.PHONE).select_related("template").order_by("code")
    )  # fmt: skip


def list_send(
    *, actor: User, customer_ids: list[int], rule_code: str, key: str,
    context: dict[str, str] | None = None,
) -> dict:  # fmt: skip
    """A campaign rule's message to each customer of a list (a churn list turned into care,
    R-8.2), sent by the message sender from now on; once per customer and `key` (the list
    and the month): a second click sends nothing twice. Opt-outs and missing addresses
    are kept as skipped with the reason. `context` fills the template's other placeholders
    (an activity's name, date and place). Returns {"queued", "skipped", "already"}."""
    require(actor, P.MANAGE_TASKS)
    rule = next((r for r in list_rules() if r.code == rule_code), None)
    if rule is None:
        from kefu.core.errors import ValidationFailed

        raise ValidationFailed(FieldError("rule", "unknown_rule",
                                          f"没有可用于名单的活动规则 {rule_code}",
                                          f"no campaign rule {rule_code} for lists"))  # fmt: skip
    ids = customer_ids[:LIST_MAX]
    prefix = f"list:{key}:{rule.code}"
    if len(prefix) > KEY_ROOM:  # long codes: a digest keeps the key inside its column
        prefix = f"list:{hashlib.sha1(prefix.encode()).hexdigest()[:20]}"
    keys = {cid: f"{prefix}:{cid}" for cid in ids}
    already = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    batch = Batch(size=LIST_MAX + 1)  # one write at the end
    now = timezone.now()
    people = _with_mobile(Customer.objects.filter(pk__in=ids, status=CustomerStatus.ACTIVE))
    for customer in people.iterator(chunk_size=1000):
        if keys[customer.pk] in already:
            continue
        batch.add(key=keys[customer.pk], customer=customer, rule=rule, when=now,
                  context=context or {}, mobile=customer.mobile or "")  # fmt: skip
    made = batch.rows
    skipped = sum(1 for m in made if m.status == ch.Status.SKIPPED)
    batch.flush()
    return {"queued": len(made) - skipped, "skipped": skipped, "already": len(already)}


def _campaign_on(spec: str, day: dt.date) -> bool:
    """`YYYY-MM-DD` is that day only; `MM-DD` is that day every year."""
    spec = (spec or "").strip()
    return spec == day.isoformat() or (len(spec) == 5 and spec == day.strftime("%m-%d"))


def campaigns_expand(now: dt.datetime | None = None, chunk: int = 5000, budget: float = 20.0):
    """Turn due campaigns into per-customer messages, `chunk` customers at a time for at
    most `budget` seconds; the cursor moves with each committed chunk, so a crash resumes
    where it stopped and message keys keep reruns from doubling anything."""
    now = now or timezone.now()
    started = time.monotonic()
    made = 0
    for campaign_id in Campaign.objects.filter(done=False, scheduled_for__lte=now).values_list(
        "pk", flat=True
    ):
        while time.monotonic() - started < budget:
            with transaction.atomic():
                campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
                if campaign.done:
                    break
                rule = CareRule.objects.select_related("template").get(pk=campaign.rule_id)
                label = ch.Holiday(rule.holiday).label.split(" ")[0] if rule.holiday else ""
                customers = list(
                    _with_mobile(
                        Customer.objects.filter(
                            status=CustomerStatus.ACTIVE, pk__gt=campaign.cursor
                        ).order_by("pk")
                    )[:chunk]
                )
                batch = Batch(size=chunk)
                for customer in customers:
                    if rule.condition and not R.matches(
                        rule.condition, event=None, customer=customer, asset=None
                    ):
                        continue  # a campaign for a segment, e.g. members only
                    batch.add(
                        key=f"{campaign.key}:{customer.pk}",
                        customer=customer,
                        rule=rule,
                        when=campaign.scheduled_for,
                        context={"holiday": label, "date": f"{campaign.target_date:%m月%d日}"},
                        mobile=customer.mobile or "",
                    )
                batch.flush()
                campaign.cursor = customers[-1].pk if customers else campaign.cursor
                campaign.done = len(customers) < chunk
                campaign.save()
                made += len(customers)
            if campaign.done:
                break
    return made


def lifecycle_event_types() -> set[str]:
    """The event types the care rules send notices for (they are valid event types too)."""
    return set(CareRule.objects.exclude(event_type="").values_list("event_type", flat=True))


def event_messages(event) -> list[dict]:
    """The lifecycle notices an event made, as the event's API answer lists them (R-6.3)."""
    return [
        {"id": m.id, "channel": m.channel, "status": m.status, "scheduled_for": m.scheduled_for}
        for m in Message.objects.filter(key__startswith=f"event:{event.pk}:")
    ]


def event_check(values: dict) -> list[FieldError]:
    """An event a lifecycle notice applies to must carry the date the notice is timed by
    (e.g. `delivery_date` for "the day before delivery", R-6.3): refused with the attribute
    named, never recorded without its notice."""
    from kefu.followups.models import LifecycleEvent

    event = LifecycleEvent(
        type=values["type"],
        customer=values["customer"],
        asset=values["asset"],
        attributes=values["attributes"],
        occurred_at=values["occurred_at"],
    )
    errors = []
    rules = CareRule.objects.filter(
        active=True, kind=ch.Kind.LIFECYCLE, event_type=event.type
    ).exclude(date_attribute="")
    for rule in rules:
        if (event.attributes or {}).get(rule.date_attribute):
            continue
        if R.matches(rule.condition, event=event, customer=event.customer, asset=event.asset):
            errors.append(
                FieldError(
                    f"attributes.{rule.date_attribute}",
                    "required",
                    f"「{rule.name}」按 {rule.date_attribute} 提前通知，请填写该日期",
                    f"The notice {rule.code} is timed by {rule.date_attribute}: give that date",
                )
            )
    return errors


def event_notices(event) -> list[Message]:
    """Lifecycle notices (R-6.3): at once, or `days_before` the date in the event's
    `date_attribute` (e.g. the day before delivery), by product category via `condition`."""
    batch = Batch()
    keys = []
    rules = CareRule.objects.filter(active=True, kind=ch.Kind.LIFECYCLE, event_type=event.type)
    for rule in rules.select_related("template"):
        if not R.matches(rule.condition, event=event, customer=event.customer, asset=event.asset):
            continue
        when = timezone.now()
        context = {"date": f"{timezone.localtime(event.occurred_at):%m月%d日}"}
        if rule.date_attribute:
            raw = (event.attributes or {}).get(rule.date_attribute)
            if not raw:
                continue
            target = parse_date(raw, field=f"attributes.{rule.date_attribute}")
            context["date"] = f"{target:%m月%d日}"
            when = max(when, _at(target - dt.timedelta(days=rule.days_before)))
        key = f"event:{event.pk}:{rule.code}"
        keys.append(key)
        batch.add(
            key=key,
            customer=event.customer,
            rule=rule,
            when=when,
            asset=event.asset,
            context={**context, **{k: str(v) for k, v in (event.attributes or {}).items()}},
        )
    batch.flush()
    return list(Message.objects.filter(key__in=keys))


def _claim(now: dt.datetime, limit: int) -> list[int]:
    """Take due SMS and e-mail messages for this sender; others running at once take
    others (row locks, skipped). A claim older than 10 minutes is a sender that died: its
    messages are taken again (at least once; the provider sees the same key)."""
    due = Message.objects.filter(
        Q(status=ch.Status.QUEUED, scheduled_for__lte=now)
        | Q(status=ch.Status.SENDING, claimed_at__lt=now - STALE_CLAIM),
        channel__in=(ch.Channel.SMS, ch.Channel.EMAIL),
    ).order_by("scheduled_for", "id")
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("id", flat=True)[:limit])
        Message.objects.filter(id__in=ids).update(status=ch.Status.SENDING, claimed_at=now)
    return ids


def messages_send(now: dt.datetime | None = None, limit: int = 500) -> dict:
    """Send what is due (R-6.4): never inside the customer's rest time, never to someone
    who has opted out since the message was made; a transient failure is retried later,
    up to three attempts; every outcome is logged on the message."""
    now = now or timezone.now()
    campaigns_expand(now)
    quiet = R.parse_windows(center_settings().quiet_hours)
    if R.quiet_window(now, quiet):
        return {"sent": 0, "quiet": True}
    counts = {"sent": 0, "quiet": False}
    provider = sms_provider()
    claimed = list(Message.objects.filter(id__in=_claim(now, limit)).select_related(
        "customer", "template"))  # fmt: skip
    texts = []
    for message in claimed:
        message.attempts += 1
        if message.channel == ch.Channel.SMS and message.customer.sms_opt_out:
            message.status, message.skip_reason = ch.Status.SKIPPED, "opt_out"
        elif message.channel == ch.Channel.SMS:
            texts.append(message)
        else:
            try:
                sent = EmailMessage(message.subject, message.body, to=[message.to]).send()
                _outcome(message, bool(sent), "", "", False, now)
            except OSError as exc:  # SMTP down or refusing: try again later
                _outcome(message, False, "", f"smtp: {exc}", True, now)
            message.provider = "smtp"
    # SMS in batches where the provider has them (a campaign: one request per 100–200)
    results = provider.send_batch([
        Outgoing(phone=m.to, text=m.body, key=m.key, params=m.params,
                 template=m.template.provider_template if m.template else "")
        for m in texts])  # fmt: skip
    for message, result in zip(texts, results, strict=True):
        message.provider = provider.name
        _outcome(message, result.ok, result.provider_id, result.error, result.retry, now)
    for message in claimed:
        message.save()
        outcome = "retry" if message.status == ch.Status.QUEUED else message.status
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


def _outcome(message, ok, provider_id, error, retry, now) -> None:
    if ok:
        message.status, message.provider_id, message.sent_at = ch.Status.SENT, provider_id, now
        message.error = ""
    elif retry and message.attempts < MAX_ATTEMPTS:
        message.status, message.error = ch.Status.QUEUED, error
        message.scheduled_for = now + dt.timedelta(minutes=5 * message.attempts)
    else:
        message.status, message.error = ch.Status.FAILED, error
        logger.warning("message %s failed: %s", message.key, error)


@transaction.atomic
def letters_print(*, actor: User, day: dt.date) -> tuple[bytes, int]:
    """Letters and cards due by `day` as a CSV to print and post; they are logged as sent."""
    require(actor, P.MANAGE_TASKS)
    due = Message.objects.filter(
        channel=ch.Channel.LETTER,
        status=ch.Status.QUEUED,
        scheduled_for__lt=_at(day + dt.timedelta(days=1), dt.time.min),
    ).select_related("customer")
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True, of=("self",))
    letters = list(due.order_by("id"))
    ids = [m.id for m in letters]
    data = csv_bytes(
        ["客户编号", "收件人", "地址", "内容"],
        ([m.customer.number, m.customer.name, m.to, m.body] for m in letters),
    )
    Message.objects.filter(id__in=ids).update(
        status=ch.Status.SENT, provider="print", sent_at=timezone.now()
    )
    if ids:  # full names and addresses leave the system: logged like any export
        PiiAccessLog.objects.create(
            user=actor, action="export", fields="letters", count=len(ids), channel="csv"
        )
    return data, len(ids)


def preset_apply_care_data(*, config: dict, switching: bool = False) -> None:
    """The preset's templates and care rules, unless the center has its own already; when
    the center switches to this preset, those missing by code are added (a retired rule of
    the same code is active again), edited ones kept."""
    care = config.get("care", {})
    if switching or not MessageTemplate.objects.exists():
        for t in care.get("templates", []):
            MessageTemplate.objects.get_or_create(code=t["code"], defaults=t)
    if CareRule.objects.exists() and not switching:
        return
    for r in care.get("rules", []):
        r = dict(r)
        template = MessageTemplate.objects.get(code=r.pop("template"))
        rule, created = CareRule.objects.get_or_create(
            code=r["code"], defaults={**r, "template": template}
        )
        if not created and not rule.active:
            rule.active = True
            rule.save(update_fields=["active"])
    _apply_survey_rules(care, switching)


def _apply_survey_rules(care: dict, switching: bool) -> None:
    """The preset's SMS survey rules (R-9.4), off until the center turns them on: a survey
    instead of the first call is the center's choice."""
    if SurveyRule.objects.exists() and not switching:
        return
    templates = {t["code"]: t for t in care.get("templates", [])}
    for r in care.get("survey_rules", []):
        r = dict(r)
        code = r.pop("template")
        template, _c = MessageTemplate.objects.get_or_create(code=code, defaults=templates[code])
        SurveyRule.objects.get_or_create(code=r["code"], defaults={**r, "template": template})


def care_rules_retire(*, codes: set[str], dry_run: bool = False) -> int:
    """Stop the care rules named (a preset being replaced); messages already queued stay."""
    rules = CareRule.objects.filter(code__in=codes, active=True)
    count = rules.count()
    if not dry_run:
        rules.update(active=False)
    return count
