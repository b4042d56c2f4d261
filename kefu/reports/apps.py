from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    verbose_name = "报表 Reports"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        # today's and yesterday's figures, every ten minutes; the last 35 days (a follow-up
        # done late still changes its due day's figures) once a day
        job_register(
            Job("kefu.reports.today", 600, "kefu.reports.aggregate.recent_rebuild", queue="reports")
        )
        job_register(
            Job(
                "kefu.reports.days",
                86400,
                "kefu.reports.aggregate.window_rebuild",
                daily=True,
                queue="reports",
            )
        )
        # this month's and last month's performance points, from the records
        # the scheduled reports due today, e-mailed as XLSX and archived
        job_register(Job("kefu.reports.scheduled", 86400, "kefu.reports.scheduled.reports_send",
                         daily=True, queue="reports"))  # fmt: skip
        # the team leads' monthly report: drafted on the 20th, reminded on the 22nd, late
        # after it
        job_register(Job("kefu.reports.monthly", 86400, "kefu.reports.monthly.monthly_job",
                         daily=True, queue="reports"))  # fmt: skip
        # every customer's standing and the day's customer groups
        job_register(Job("kefu.reports.customers", 86400, "kefu.reports.analysis.analysis_job",
                         daily=True, queue="reports"))  # fmt: skip
        job_register(Job("kefu.reports.points", 86400, "kefu.reports.points.points_job",
                         daily=True, queue="reports"))  # fmt: skip
