from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "kefu.tickets"
    verbose_name = "工单 Work orders"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register

        for job in (
            Job("kefu.tickets.escalate_overdue", 300, "kefu.tickets.services.escalate_overdue"),
        ):
            job_register(job)
        # Follow-ups know no work orders: the answers and raised items come here.
        from kefu.followups import hooks
        from kefu.followups.choices import Kind
        from kefu.tickets import services

        hooks.result_handler_register(Kind.WORK_ORDER, services.followup_answered)
        hooks.raiser_register("work_order", services.work_order_raise)
        hooks.event_types_register(lambda: {"work_order_done"})
        from kefu.interactions.choices import Category
        from kefu.interactions.routes import route_register

        route_register(Category.REPAIR, services.interaction_route)
