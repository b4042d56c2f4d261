from django.apps import AppConfig


class SetupConfig(AppConfig):
    """Presets, the demo center and the data commands: above every domain app."""

    name = "kefu.setup"
    label = "kefu_setup"
    verbose_name = "建站 Setup"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        # the retention policy, once a day
        job_register(Job("kefu.setup.retention", 86400, "kefu.setup.retention.retention_run",
                         daily=True))  # fmt: skip
