from django.apps import AppConfig


class InteractionsConfig(AppConfig):
    name = "kefu.interactions"
    verbose_name = "来电·来访·来函 Interactions"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        job_register(
            Job("kefu.interactions.search_age", 3600, "kefu.interactions.recent.search_age",
                daily=True)
        )  # fmt: skip
        # The archive knows no notices: refused reveals are told to the CS managers here.
        from kefu.customers import hooks
        from kefu.interactions import services

        hooks.reveal_refused_register(services.reveal_refused_notify)
