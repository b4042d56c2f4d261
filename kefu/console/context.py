from kefu.accounts import permissions as P


def console(request) -> dict:
    """What the navigation shows for the signed-in role (R-0.4)."""
    user = getattr(request, "user", None)
    from kefu.console.reports import may_report

    return {
        "perms_import": P.has_perm(user, P.IMPORT_CUSTOMERS) if user else False,
        "perms_reports": may_report(user) if user and user.is_authenticated else False,
    }
