"""Every write on complaints (R-4), by sub-domain: intake, the stage loop, proposals, the
time-limit policy. Every public name is importable from here."""

from kefu.complaints.services.common import (  # noqa: F401
    APPROVERS,
    FOLLOWUP_AFTER,
    LEVEL_OF_ROLE,
    TEXT,
    may_work,
    stage_due,
)
from kefu.complaints.services.intake import (  # noqa: F401
    complaint_create,
    complaint_raise,
    interaction_route,
)
from kefu.complaints.services.loop import (  # noqa: F401
    complaint_advance,
    complaint_followup_result,
    complaint_reopen,
    followup_answered,
    followup_schedule,
)
from kefu.complaints.services.policy import (  # noqa: F401
    complaints_escalate,
    preset_apply_complaint_data,
)
from kefu.complaints.services.proposals import (  # noqa: F401
    approval_limits,
    approver_role,
    may_approve,
    proposal_add,
    proposal_decide,
)
