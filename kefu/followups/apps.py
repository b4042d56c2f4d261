from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    name = "kefu.followups"
    verbose_name = "回访 Follow-ups"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        for job in (
            Job(
                "kefu.followups.schedule_day",
                3600,
                "kefu.followups.services.schedule_day",
                daily=True,
            ),
        ):
            job_register(job)
