from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kefu.quality"
    verbose_name = "服务质量 Service quality"

    def ready(self) -> None:
        # What agents write is checked against the center's forbidden phrases.
        from kefu.core.wording import wording_register
        from kefu.quality import phrases

        wording_register(phrases.phrases_found, phrases.phrase_hit_keep)
        from kefu.core.scheduler import Job, job_register

        # a handover left unconfirmed is told to the team leads
        job_register(
            Job("kefu.quality.handover_alert", 300, "kefu.quality.handover.handovers_alert")
        )
        # the handover drafted by the system before each shift ends
        job_register(
            Job("kefu.quality.handover_draft", 300, "kefu.quality.handover.handovers_draft_due")
        )
