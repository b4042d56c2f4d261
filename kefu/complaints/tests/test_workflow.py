"""The complaint state machine (R-4.1, R-4.2) under random sequences of steps, and two
people advancing one complaint at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from kefu.accounts.choices import Role
from kefu.accounts.models import Department
from kefu.accounts.tests.factories import UserFactory
from kefu.complaints.choices import Outcome
from kefu.complaints.choices import Stage as S
from kefu.complaints.models import Complaint, ComplaintStageRecord
from kefu.complaints.services import (
    complaint_advance,
    complaint_create,
    proposal_add,
    proposal_decide,
)
from kefu.core.errors import Conflict, ValidationFailed
from kefu.setup.services import preset_load

# What a complete record of each step looks like.
COMPLETE = {
    (S.JUDGMENT, S.INVESTIGATION): {
        "department": "service",
        "promised_days": 2,
        "demand_reasonable": False,
    },
    (S.JUDGMENT, S.CLOSED): {"explanation": "不属于质保范围"},
    (S.INVESTIGATION, S.SOLUTION): {
        "root_cause": "零件缺陷",
        "responsible_person": "供应商",
        "complaint_class": "product_quality",
    },
    (S.IMPLEMENTATION, S.REVIEW): {"customer_accepted": True, "acceptance": "顾客签字确认"},
    (S.REVIEW, S.CLOSED): {"evaluation": "好", "improvement": "加强来料检验"},
}
STAGES = [s for s in S.values if s != S.INTAKE]


# The loop of written out here, not read from the table under test: from → {to: the
# step needs fields}. 方案 → 实施 needs none but an approved proposal.
LOOP = {
    S.JUDGMENT: {S.INVESTIGATION: True, S.CLOSED: True},
    S.INVESTIGATION: {S.SOLUTION: True, S.JUDGMENT: True},
    S.SOLUTION: {S.IMPLEMENTATION: False, S.INVESTIGATION: True},
    S.IMPLEMENTATION: {S.REVIEW: True, S.SOLUTION: True},
    S.REVIEW: {S.CLOSED: True},
    S.CLOSED: {S.INVESTIGATION: True, S.JUDGMENT: True},
}


def fields_for(stage: str, to: str) -> dict:
    return COMPLETE.get((stage, to), {"reason": "顾客要求重新处理"})


class ComplaintLoop(RuleBasedStateMachine):
    """A model of the loop: the stage, the outcome and whether this round has an approved
    proposal. Every attempt must succeed exactly when the model says it may."""

    handler = lead = None

    def __init__(self):
        super().__init__()
        self.complaint = complaint_create(
            actor=self.handler, data={"complainant_name": "周先生", "content": "车门异响"}
        )
        self.stage, self.outcome, self.approved, self.rounds = S.JUDGMENT, "", False, 0

    @rule(to=st.sampled_from(STAGES), complete=st.booleans())
    def advance(self, to, complete):
        needed = LOOP.get(self.stage, {}).get(to)
        allowed = to in LOOP.get(self.stage, {}) and not (
            self.stage == S.CLOSED and self.outcome == Outcome.INVALID and to != S.JUDGMENT
        )
        fields = fields_for(self.stage, to) if complete else {}
        before = Complaint.objects.get(pk=self.complaint.pk).version
        try:
            complaint_advance(actor=self.handler, complaint=self.complaint, to=to, fields=fields)
        except Conflict:
            assert not allowed
            assert Complaint.objects.get(pk=self.complaint.pk).version == before
            return
        except ValidationFailed:
            assert allowed and (
                (needed and not complete)
                or (self.stage == S.SOLUTION and to == S.IMPLEMENTATION and not self.approved)
            )
            assert Complaint.objects.get(pk=self.complaint.pk).version == before
            return
        assert allowed and (complete or not needed)
        assert not (self.stage == S.SOLUTION and to == S.IMPLEMENTATION and not self.approved)
        if self.stage == S.CLOSED:
            self.rounds, self.outcome, self.approved = self.rounds + 1, "", False
        if self.stage == S.IMPLEMENTATION and to == S.SOLUTION:
            self.approved = False
        if to == S.CLOSED:
            self.outcome = Outcome.INVALID if self.stage == S.JUDGMENT else Outcome.RESOLVED
        self.stage = to

    @rule(amount=st.sampled_from(["0", "99.50", "500"]))
    def propose_and_approve(self, amount):
        try:
            proposal = proposal_add(
                actor=self.handler,
                complaint=self.complaint,
                data={"text": "维修并补偿", "compensation_amount": amount},
            )
        except Conflict:
            assert self.stage != S.SOLUTION
            return
        assert self.stage == S.SOLUTION
        try:
            proposal_decide(actor=self.lead, proposal=proposal, approve=True)
        except Conflict:
            assert self.approved  # one approved proposal per round
            return
        assert not self.approved
        self.approved = True

    @invariant()
    def matches_the_model(self):
        c = Complaint.objects.get(pk=self.complaint.pk)
        assert (c.stage, c.outcome, c.reopen_count) == (self.stage, self.outcome, self.rounds)
        open_records = ComplaintStageRecord.objects.filter(
            complaint=c, completed_at__isnull=True
        ).values_list("stage", flat=True)
        assert list(open_records) == ([] if self.stage == S.CLOSED else [self.stage])


@pytest.mark.django_db
def test_r_4_1_every_sequence_of_steps_follows_the_state_machine():
    preset_load(code="auto")
    Department.objects.create(code="service", name="售后服务部")
    ComplaintLoop.handler = UserFactory(username="agent1", role=Role.AGENT)
    ComplaintLoop.lead = UserFactory(username="lead", role=Role.TEAM_LEAD)
    run_state_machine_as_test(
        ComplaintLoop,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite serialises"
)
def test_two_people_advancing_at_once_one_wins_the_other_gets_409():
    preset_load(code="auto")
    Department.objects.create(code="service", name="售后服务部")
    agent = UserFactory(username="agent1", role=Role.AGENT)
    lead = UserFactory(username="lead", role=Role.TEAM_LEAD)
    complaint = complaint_create(
        actor=agent, data={"complainant_name": "吴女士", "content": "漏水"}
    )
    barrier, results = threading.Barrier(2), []

    def attempt(actor, to, fields):
        from django.db import connection as conn

        try:
            barrier.wait()
            complaint_advance(actor=actor, complaint=complaint, to=to, fields=fields)
            results.append("ok")
        except Conflict as exc:
            results.append(exc.errors[0].code)
        finally:
            conn.close()

    threads = [
        threading.Thread(
            target=attempt, args=(agent, S.INVESTIGATION, COMPLETE[(S.JUDGMENT, S.INVESTIGATION)])
        ),
        threading.Thread(target=attempt, args=(lead, S.CLOSED, COMPLETE[(S.JUDGMENT, S.CLOSED)])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "transition_not_allowed"]
    c = Complaint.objects.get(pk=complaint.pk)
    assert c.version == 2
    assert ComplaintStageRecord.objects.filter(complaint=c, stage=S.JUDGMENT).count() == 1
