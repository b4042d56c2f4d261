from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "kefu.care"
    verbose_name = "关怀提醒 Care and reminders"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        for job in (
            Job("kefu.care.run_day", 3600, "kefu.care.services.care_run", daily=True),
            Job("kefu.care.send", 60, "kefu.care.services.messages_send", queue="sending"),
            # SMS surveys: unanswered ones expire to a call, new ones are sent
            Job("kefu.care.surveys", 3600, "kefu.care.surveys.surveys_job", queue="sending"),
            # replies pulled from Tencent when KEFU_SMS_REPLY_PULL=1 (pushed ones need none)
            Job("kefu.care.replies_pull", 60, "kefu.care.surveys.replies_pull", queue="sending"),
        ):
            job_register(job)
        # A recorded lifecycle event also makes the care rules' notices (R-6.3).
        from kefu.care import services
        from kefu.followups import hooks

        hooks.event_listener_register(services.event_notices)
        hooks.event_types_register(services.lifecycle_event_types)
        hooks.event_details_register("messages", services.event_messages)
        hooks.event_check_register(services.event_check)
        # L2/L3 escalations also go out by e-mail or SMS when configured (issue 11).
        from kefu.care.providers import notice_relay
        from kefu.interactions.notices import relay_register

        relay_register(notice_relay)
