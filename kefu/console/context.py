from kefu.accounts import permissions as P
from kefu.accounts.choices import AgentStatus


def console(request) -> dict:
    """What the top bar shows for the signed-in user: the navigation their role allows
    (R-0.4), the inbox's unread count and the status picker (issue 11)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"perms_import": False, "perms_reports": False}
    from kefu.console.reports import may_report
    from kefu.interactions.notices import notice_unread_count

    return {
        "perms_import": P.has_perm(user, P.IMPORT_CUSTOMERS),
        "perms_privacy": P.has_perm(user, P.EXPORT_CUSTOMERS),
        "perms_reports": may_report(user),
        "perms_approve": P.has_perm(user, P.APPROVE_COMPLAINTS),
        "perms_team": P.has_perm(user, P.MANAGE_TASKS),
        "unread_notices": notice_unread_count(user=user),
        "agent_statuses": AgentStatus.choices,
    }
