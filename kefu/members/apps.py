from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "kefu.members"
    verbose_name = "会员俱乐部 Members"

    def ready(self) -> None:
        from kefu.core.scheduler import Job, job_register
        from kefu.followups import hooks

        # a service visit earns its points the moment it is recorded
        hooks.event_listener_register(_visit_points)
        hooks.event_types_register(lambda: ["member_upgrade_due"])
        # cards past their date expire; members who reached a higher level hear of it
        job_register(Job("kefu.members.daily", 86400, "kefu.members.services.members_job",
                         daily=True))  # fmt: skip


def _visit_points(event):  # type: ignore[no-untyped-def]
    from kefu.members.services import visit_points

    return visit_points(event)
