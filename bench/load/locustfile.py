"""Agents at work, for locust (run by bench/load_test.py, which prepares the center and
reads the figures; docs/performance.md). Each simulated agent signs in through the console's
own form (the morning wave is the spawn ramp), then until the run ends, with think time:

- a call (weight 4): the phone system reports it ringing (`POST /api/v1/cti/events`, as the
  phone system's token would), the agent's screen pop opens (`GET /call/?call=ID`) and the
  call is logged on it (`POST /call/`, then the customer page it redirects to);
- a customer search (2): the search box as the console asks it (HTMX), by name, initials or
  the last digits of a number;
- a follow-up (1): the runner opens the next call due (`/followups/next/`) and saves an
  attempt on it;
- a workbench refresh (2).

`PopUser` (LOAD_SCENARIO=pop) asks only the screen pop of a typed number, with no think time:
the most screen pops per second the server gives.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time

from locust import FastHttpUser, between, constant, events, task

DATA = json.loads(open(os.environ["LOAD_DATA"], encoding="utf-8").read())
# between one action and the next an agent talks, types and thinks: 20–60 s, so a call
# about every 90 s — some 40 calls an hour, twice a busy agent's peak
THINK = (
    float(os.environ.get("LOAD_THINK_MIN", "20")),
    float(os.environ.get("LOAD_THINK_MAX", "60")),
)
_agents = itertools.cycle(DATA["agents"])
_calls = itertools.count(1)
RUN = f"{int(time.time())}"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The statistics are reset once every agent has signed in (the steady day); the sign-ins
# themselves — the morning wave — are kept here and written for load_test.py at the end.
SIGN_INS: list[float] = []


@events.request.add_listener
def _sign_in(name: str, response_time: float, exception, **kwargs) -> None:
    if name == "sign in":
        SIGN_INS.append(response_time if exception is None else -1.0)


@events.quitting.add_listener
def _write_sign_ins(environment, **kwargs) -> None:
    if os.environ.get("LOAD_SIGN_INS"):
        with open(os.environ["LOAD_SIGN_INS"], "w", encoding="utf-8") as f:
            json.dump(SIGN_INS, f)


class Agent(FastHttpUser):
    abstract = True

    def on_start(self) -> None:
        self.username = next(_agents)
        page = self.client.get("/login/", name="sign-in page")
        token = CSRF.search(page.text or "")
        self.client.post(
            "/login/",
            data={"username": self.username, "password": DATA["password"],
                  "csrfmiddlewaretoken": token[1] if token else ""},
            headers={"Referer": f"{self.host}/login/"},
            name="sign in",
        )  # fmt: skip

    def _post_form(self, path: str, data: dict, name: str):
        token = next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")
        return self.client.post(
            path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}{path}"},
            name=name,
        )


class AgentUser(Agent):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        super().on_start()
        self.client.get("/", name="workbench")

    @task(4)
    def call(self) -> None:
        call_id = f"load-{RUN}-{next(_calls)}"
        with self.client.post(
            "/api/v1/cti/events",
            json={"event": "ringing", "call_id": call_id, "caller": random.choice(DATA["phones"]),
                  "agent": self.username, "at": time.strftime("%Y-%m-%dT%H:%M:%S+08:00")},
            headers={"Authorization": f"Bearer {DATA['cti_token']}"},
            name="CTI ringing (phone system)",
            catch_response=True,
        ) as ringing:  # fmt: skip
            if ringing.status_code != 200:
                ringing.failure(f"{ringing.status_code}: {(ringing.text or '')[:200]}")
                return
            interaction = ringing.json()["interaction_id"]
        self.client.get(f"/call/?call={interaction}", name="screen pop")
        self._post_form(
            "/call/",
            {"call": interaction, "channel": "inbound_call", "category": "consultation",
             "content": "咨询保养价格和预约时间", "outcome": "已解答"},
            name="call log",
        )  # fmt: skip

    @task(2)
    def search(self) -> None:
        self.client.get(
            f"/customers/?q={random.choice(DATA['searches'])}",
            headers={"HX-Request": "true"},
            name="customer search",
        )

    @task(1)
    def followup(self) -> None:
        runner = self.client.get("/followups/next/", name="follow-up runner")
        found = re.search(r"/followups/(\d+)/$", runner.url or "")
        if found:
            self._post_form(
                f"/followups/{found[1]}/",
                {"action": "attempt", "outcome": "no_answer"},
                name="follow-up save",
            )

    @task(2)
    def workbench(self) -> None:
        self.client.get("/", name="workbench")


class PopUser(Agent):
    """The screen pop alone, back to back."""

    wait_time = constant(0)

    @task
    def pop(self) -> None:
        self.client.get(f"/call/?phone={random.choice(DATA['phones'])}", name="screen pop")


if os.environ.get("LOAD_SCENARIO") == "pop":
    del AgentUser
else:
    del PopUser
