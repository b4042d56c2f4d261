from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "kefu.customers"
    verbose_name = "客户档案 Customers"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        # background imports: queued jobs are picked up within ten seconds
        job_register(
            Job("kefu.customers.imports", 10, "kefu.customers.transfer.import_jobs_run",
                queue="imports")
        )  # fmt: skip
