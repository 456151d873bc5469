"""The load test's people: `locust -f bench/load/locustfile.py`, started by `python -m bench.load`.

Each simulated user signs in as one persona of the plan (OVERSIGHT_LOAD_PLAN, written by
bench/load/plan.py), in turn, and then, with a think time between pages, opens the pages that
persona works with: home, the register filtered, an item, the case list, a case, a committee paper,
and now and then posts a progress update on a record no other simulated user writes to. Requests
go over plain HTTP with the header a TLS-ending proxy sets (`X-Forwarded-Proto: https`), as in the
README's "Deploying"; the secure session cookie is sent back as the browser behind that proxy would.
Each progress update carries a token; which ones were answered as saved goes to OVERSIGHT_LOAD_WRITES
at the end, for the integrity check after a database restart.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["OVERSIGHT_LOAD_PLAN"]).read_text(encoding="utf-8"))
THINK = [float(x) for x in os.environ.get("OVERSIGHT_LOAD_THINK", "3,8").split(",")]
_NEXT = itertools.count()
WRITES: dict[str, list[str]] = {"saved": [], "failed": []}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
STALE = "changed"  # the words of the one message a stale form gets (oversight/concurrency.py)


class Person(HttpUser):
    wait_time = between(THINK[0], THINK[1])

    def on_start(self) -> None:
        personas = PLAN["personas"]
        number = next(_NEXT)
        self.persona = personas[number % len(personas)]
        origin = str(self.host).replace("http://", "https://", 1)
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": f"{origin}/"})
        self.writes = self._claim_writes()
        self.signed_in = False
        self._sign_in()

    def _claim_writes(self) -> list[str]:
        """Two records of the persona's own, taken from its pool so no other user writes to them."""
        pool = self.persona["writes"]
        mine, pool[:] = pool[:2], pool[2:]
        return mine

    def _behind_the_proxy(self) -> None:
        """Send the secure cookies back over this plain connection, as the browser does over TLS to the
        proxy (requests copies the jar for each request, so a cookie policy of its own would be lost)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def _sign_in(self) -> None:
        page = self.client.get(PLAN["urls"]["sign_in"], name="sign in (form)")
        token = CSRF.search(page.text)
        data = {"username": self.persona["username"], "password": PLAN["password"]}
        if token:
            data["csrfmiddlewaretoken"] = token.group(1)
        self._behind_the_proxy()
        with self.client.post(
            PLAN["urls"]["sign_in"], data=data, name="sign in", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")
                self.signed_in = False
                return
        self.signed_in = self._second_factor(PLAN["urls"]["second_factor"])

    def _second_factor(self, url: str) -> bool:
        """Enter one of the persona's recovery codes on the code page, as a person enters a code (every
        page waits for it)."""
        self._behind_the_proxy()
        page = self.client.get(url, name="second factor (form)")
        token = CSRF.search(page.text)
        data = {"code": self.persona["codes"].pop()}
        if token:
            data["csrfmiddlewaretoken"] = token.group(1)
        self._behind_the_proxy()
        with self.client.post(
            url, data=data, name="second factor", allow_redirects=False, catch_response=True
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"the second factor answered {answer.status_code}")
                return False
        return True

    def _get(self, url: str, name: str) -> None:
        if not self.signed_in:
            self._sign_in()
            return
        self._behind_the_proxy()
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"answered {response.status_code}")

    @task(3)
    def home(self) -> None:
        self._get(PLAN["urls"]["home"], "home")

    @task(4)
    def register(self) -> None:
        """Everyone signed in opens the register: it lists what they may see."""
        self._get(f"{PLAN['urls']['register']}?{random.choice(PLAN['register_filters'])}", "register (filtered)")

    @task(4)
    def item(self) -> None:
        if self.persona["items"]:
            self._get(random.choice(self.persona["items"]), "item")

    @task(3)
    def case_list(self) -> None:
        if self.persona["cases"]:
            self._get(PLAN["urls"]["cases"], "case list")

    @task(4)
    def case(self) -> None:
        if self.persona["cases"]:
            self._get(random.choice(self.persona["cases"]), "case")

    @task(1)
    def paper(self) -> None:
        if self.persona["papers"]:
            self._get(random.choice(self.persona["papers"]), "committee paper")

    @task(1)
    def progress_update(self) -> None:
        if self.writes and self.signed_in:
            self._post_update(random.choice(self.writes))

    def _post_update(self, url: str) -> None:
        self._behind_the_proxy()
        form = self.client.get(url, name="progress update (form)")
        token, version = CSRF.search(form.text), VERSION.search(form.text)
        if not (token and version):
            return  # the form's GET failed: already counted as a failure above
        text = f"Load test update {uuid.uuid4().hex}: the action plan's next step is agreed with the owner."
        data = {"csrfmiddlewaretoken": token.group(1), "version": version.group(1), "text": text}
        self._behind_the_proxy()
        with self.client.post(url, data=data, name="progress update", allow_redirects=False, catch_response=True) as r:
            saved = r.status_code == 302
            WRITES["saved" if saved else "failed"].append(text)
            if not saved:
                r.failure(f"answered {r.status_code}")


@events.test_stop.add_listener
def _save_writes(**_: Any) -> None:
    path = os.environ.get("OVERSIGHT_LOAD_WRITES")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(WRITES, out)
