"""What each role may do (R-0.4, R-0.5). One table, read by every door."""

from __future__ import annotations

from kefu.accounts.choices import Role

VIEW_CUSTOMERS = "customers.view"
EDIT_ANY_CUSTOMER = "customers.edit_any"
EDIT_OWN_CUSTOMER = "customers.edit_own"
CREATE_CUSTOMER = "customers.create"
REVEAL_PII = "customers.reveal_pii"
EXPORT_CUSTOMERS = "customers.export"
IMPORT_CUSTOMERS = "customers.import"
MERGE_CUSTOMERS = "customers.merge"
ASSIGN_CUSTOMERS = "customers.assign"
VERIFY_CUSTOMERS = "customers.verify"
LOG_INTERACTIONS = "interactions.log"
VIEW_INTERACTIONS = "interactions.view"
MANAGE_TASKS = "interactions.manage_tasks"
RECEIVE_CTI = "interactions.cti"
VIEW_COMPLAINTS = "complaints.view"
HANDLE_COMPLAINTS = "complaints.handle"
APPROVE_COMPLAINTS = "complaints.approve"
VIEW_REPORTS = "reports.view"
VIEW_QUALITY = "quality.view"  # every agent's QA findings (forbidden phrases used …)
MANAGE_PHRASES = "quality.manage_phrases"  # the center's forbidden-phrase list
INSPECT = "quality.inspect"  # draw QA samples and score them
DECIDE_APPEALS = "quality.decide_appeals"  # decide an agent's appeal of a QA score
READ_KNOWLEDGE = "knowledge.read"  # the published knowledge base
WRITE_ARTICLES = "knowledge.write"  # draft articles and propose changes
APPROVE_ARTICLES = "knowledge.approve"  # publish, reject, retire, review articles
MANAGE_TRAINING = "knowledge.training"  # courses, sessions, attendance, exams
DECIDE_POINTS = "reports.decide_points"  # approve or reject point adjustments
MANAGE_CAMPAIGNS = "outbound.manage"  # segments, call campaigns and their lists

_AGENT = {
    VIEW_CUSTOMERS,
    EDIT_OWN_CUSTOMER,
    CREATE_CUSTOMER,
    REVEAL_PII,
    VERIFY_CUSTOMERS,
    LOG_INTERACTIONS,
    VIEW_INTERACTIONS,
    VIEW_COMPLAINTS,
    HANDLE_COMPLAINTS,
    READ_KNOWLEDGE,
    WRITE_ARTICLES,
}
_LEAD = _AGENT | {
    EDIT_ANY_CUSTOMER,
    ASSIGN_CUSTOMERS,
    MERGE_CUSTOMERS,
    IMPORT_CUSTOMERS,
    MANAGE_TASKS,
    APPROVE_COMPLAINTS,
    VIEW_REPORTS,
    VIEW_QUALITY,
    MANAGE_PHRASES,
    INSPECT,
    DECIDE_APPEALS,
    APPROVE_ARTICLES,
    MANAGE_TRAINING,
    MANAGE_CAMPAIGNS,
}
_MANAGER = _LEAD | {EXPORT_CUSTOMERS, DECIDE_POINTS}
_READER = {VIEW_CUSTOMERS, VIEW_INTERACTIONS, VIEW_COMPLAINTS, READ_KNOWLEDGE}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.AGENT: frozenset(_AGENT),
    Role.TEAM_LEAD: frozenset(_LEAD),
    Role.QA: frozenset(
        _READER
        | {VIEW_REPORTS, VIEW_QUALITY, MANAGE_PHRASES, INSPECT, WRITE_ARTICLES, MANAGE_TRAINING}
    ),
    Role.MANAGER: frozenset(_MANAGER),
    Role.GM: frozenset(
        _READER | {REVEAL_PII, EXPORT_CUSTOMERS, APPROVE_COMPLAINTS, VIEW_REPORTS, VIEW_QUALITY}
    ),
    Role.HANDLER: frozenset(_READER),
    # The phone system's integration account is an administrator's token (RECEIVE_CTI).
    Role.ADMIN: frozenset(_MANAGER | {RECEIVE_CTI}),
}


def has_perm(user, perm: str) -> bool:
    if user is None or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return perm in ROLE_PERMISSIONS.get(user.role, frozenset())


def require(user, perm: str) -> None:
    """Raise PermissionDenied (403) unless `user` has `perm`: the first line of a service."""
    from kefu.core.errors import PermissionDenied

    if not has_perm(user, perm):
        raise PermissionDenied()
