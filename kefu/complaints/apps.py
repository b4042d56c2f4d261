from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "kefu.complaints"
    verbose_name = "投诉 Complaints"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        for job in (
            Job("kefu.complaints.escalate", 300, "kefu.complaints.services.complaints_escalate"),
        ):
            job_register(job)
        # Follow-ups know no complaints: the answers and raised items come here.
        from kefu.complaints import services
        from kefu.followups import hooks
        from kefu.followups.choices import Kind

        hooks.result_handler_register(Kind.COMPLAINT, services.followup_answered)
        hooks.raiser_register("complaint", services.complaint_raise)
        hooks.event_types_register(lambda: {"complaint_closed"})
        from kefu.interactions.choices import Category
        from kefu.interactions.routes import route_register

        route_register(Category.COMPLAINT, services.interaction_route)
