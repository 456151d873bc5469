"""West Midlands Police's register behind the 29 September 2022 paper and what happened next, and a
few records in neighbouring forces, each told step by step by the right person on its date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.context import set_actor
from django.contrib.auth.models import User

from .. import services
from ..models import (
    ExtensionRequest,
    HmicfrsStatus,
    Item,
    RagOverride,
    TrackingRecord,
    TrackingStatus,
)
from .dating import _at, _dated, _upload
from .people import AVON, PEOPLE, STAFFS, WARKS, WEST_MERCIA, WMP

EVIDENCE_URL = "https://intranet.example.org/"  # demo links: a placeholder domain, not a real system


@dataclass
class Story:
    """One organisation's record told step by step, each step by the right person on its date."""

    tracking: TrackingRecord
    liaison: User
    lead: User
    owner: User | None = None
    _last: dt.datetime | None = field(default=None, init=False)

    @property
    def worker(self) -> User:
        return self.owner or self.liaison

    def _moment(self, on: str) -> dt.datetime:
        at = _at(on)
        if self._last is not None:
            if at.date() < self._last.date():
                raise ValueError(f"{self.tracking}: step on {on} is before the previous step")
            at = max(at, self._last + dt.timedelta(minutes=11))
        self._last = at
        return at

    def _do(self, on: str, by: User, step: Callable[[TrackingRecord], object]) -> Story:
        at = self._moment(on)
        self.tracking.refresh_from_db()
        with set_actor(by), _dated(at):
            step(self.tracking)
        TrackingRecord.objects.filter(pk=self.tracking.pk).update(updated_at=at)
        return self

    def assign(self, on: str, owner: User, portfolio: str) -> Story:
        self.owner = owner
        return self._do(
            on,
            self.liaison,
            lambda t: services.update_tracking(t, self.liaison, t.version, owner=owner, portfolio=portfolio),
        )

    def update(self, on: str, text: str) -> Story:
        return self._do(on, self.worker, lambda t: services.post_update(t, self.worker, text))

    def status(self, on: str, status: TrackingStatus, note: str = "") -> Story:
        return self._do(on, self.worker, lambda t: services.set_work_status(t, self.worker, status, note))

    def evidence(self, on: str, title: str, *, url: str = "", file: tuple[str, str] | None = None) -> Story:
        upload = _upload(*file) if file else None
        link = EVIDENCE_URL + url if url else ""
        day = dt.date.fromisoformat(on)
        return self._do(
            on, self.worker,
            lambda t: services.add_evidence(t, self.worker, title=title, effective_on=day, url=link, upload=upload),
        )  # fmt: skip

    def submit(self, on: str, note: str = "") -> Story:
        return self._do(on, self.worker, lambda t: services.submit_for_signoff(t, self.worker, note))

    def passed(self, on: str, note: str = "") -> Story:
        return self._do(on, self.liaison, lambda t: services.pass_to_hmicfrs(t, self.liaison, note))

    def signed_off(self, on: str, note: str) -> Story:
        self._do(on, self.lead, lambda t: services.sign_off(t, self.lead, note))
        TrackingRecord.objects.filter(pk=self.tracking.pk).update(closed_on=dt.date.fromisoformat(on))
        return self

    def returned(self, on: str, reason: str) -> Story:
        return self._do(on, self.lead, lambda t: services.return_from_hmicfrs(t, self.lead, reason))

    def hmicfrs(self, on: str, status: HmicfrsStatus, comment: str) -> Story:
        return self._do(on, self.lead, lambda t: services.record_hmicfrs_status(t, self.lead, status, comment))

    def review(self, on: str, note: str) -> Story:
        day = dt.date.fromisoformat(on)
        return self._do(on, self.liaison, lambda t: services.record_review(t, self.liaison, note, reviewed_on=day))

    def rag(self, on: str, rag: RagOverride, reason: str) -> Story:
        return self._do(on, self.liaison, lambda t: services.override_rag(t, self.liaison, rag, reason))

    def extension(self, on: str, to: str, reason: str, *, decided: str, approve: bool, because: str) -> Story:
        asked: list[ExtensionRequest] = []
        new_due = dt.date.fromisoformat(to)
        self._do(on, self.worker, lambda t: asked.append(services.request_extension(t, self.worker, new_due, reason)))
        return self._do(
            decided, self.liaison, lambda t: services.decide_extension(asked[0], self.liaison, approve, because)
        )


# West Midlands Police: the register behind the 29 September 2022 paper, and what happened next.

CLOSURE = "Authorised for closure on the basis of "


@dataclass
class Cast:
    people: dict[str, User]
    items: dict[str, Item]

    def story(self, key: str, force: str = WMP, owner: str = "", portfolio: str = "", since: str = "") -> Story:
        """The record of item `key` for `force`, told by that force's liaison officer and HMICFRS lead."""
        tracking = TrackingRecord.objects.get(item=self.items[key], organisation__slug=force)
        liaison = self.people["liaison" if force == WMP else LIAISON_OF[force]]
        story = Story(tracking, liaison, self.people["fll" if force == WMP else "fll2"])
        if owner:
            assigned = since or str(self.items[key].report.published_on + dt.timedelta(days=14))
            story.assign(assigned, self.people[owner], portfolio or _portfolio(owner))
        return story


LIAISON_OF = {WEST_MERCIA: "wmerc", STAFFS: "staffs", WARKS: "warks", AVON: "avon"}


def _portfolio(key: str) -> str:
    return next(person.portfolio for person in PEOPLE if person.key == key)


def _wmp_peel(cast: Cast) -> None:
    """Both causes of concern and their recommendations signed off between the June and September JACs."""
    (
        cast.story("11431", owner="contact")
        .update(
            "2022-06-15",
            "Additional call handlers deployed from the June intake; 999 answer times at 88% in 10 seconds.",
        )
        .evidence(
            "2022-08-01",
            "Contact performance, July 2022",
            file=(
                "contact-performance-2022-07.txt",
                "999 calls answered within 10 seconds: 91.4%\n101 abandonment rate: 11.2% (was 27.5%)\n",
            ),
        )
        .submit("2022-08-02", "National standard met for six consecutive weeks.")
        .passed("2022-08-03")
        .signed_off(
            "2022-08-18",
            CLOSURE + "six weeks of 999 performance within the national standard and the 101 "
            "abandonment rate reduced to 11%.",
        )
    )
    (
        cast.story("11432", owner="contact")
        .update("2022-06-20", "THRIVE made a mandatory field on the contact record from 4 July.")
        .evidence(
            "2022-08-10",
            "THRIVE compliance dip sample",
            file=(
                "thrive-dip-sample.pdf",
                "THRIVE compliance dip sample, July 2022\n200 calls sampled; THRIVE recorded on 196 (98%).\n"
                "Repeat victims flagged on 47 of 49 (96%).",
            ),
        )
        .submit("2022-08-12")
        .passed("2022-08-15")
        .signed_off("2022-09-01", CLOSURE + "the THRIVE dip sample (98% compliance) and the mandatory field.")
    )
    (
        cast.story("11430", owner="contact")
        .evidence("2022-09-02", "Closure report: responding to the public", url="assurance/closure-11430")
        .submit("2022-09-02", "Both recommendations signed off.")
        .passed("2022-09-05")
        .signed_off("2022-09-06", CLOSURE + "the sign-off of recommendations 11431 and 11432.")
    )
    (
        cast.story("11436", owner="ppu")
        .update("2022-06-10", "Eight offender managers recruited; backlog of ARMS assessments down from 310 to 140.")
        .update("2022-08-05", "Backlog cleared; overdue visits at zero since 29 July.")
        .evidence("2022-08-08", "Sex offender management backlog report", url="ppu/mosovo-backlog-2022-08")
        .submit("2022-08-09")
        .passed("2022-08-10")
        .signed_off(
            "2022-09-15", CLOSURE + "the cleared ARMS backlog and the staffing model agreed at Force Executive Team."
        )
    )
    (
        cast.story("11435", owner="ppu")
        .evidence("2022-09-16", "Closure report: managing registered sex offenders", url="assurance/closure-11435")
        .submit("2022-09-16")
        .passed("2022-09-19")
        .signed_off("2022-09-20", CLOSURE + "the sign-off of recommendation 11436.")
    )
    _wmp_peel_afis(cast)


def _wmp_peel_afis(cast: Cast) -> None:
    (
        cast.story("11441", owner="contact")
        .update("2022-10-12", "Crime prevention and evidence preservation scripts added to the contact guidance.")
        .evidence("2023-01-20", "Contact scripts and dip sample", url="contact/scripts-2023-01")
        .submit("2023-01-23")
        .passed("2023-01-25")
        .signed_off(
            "2023-02-14", CLOSURE + "the revised call scripts and a dip sample showing advice given in 92% of calls."
        )
    )
    (
        cast.story("11442", owner="ppu")
        .update("2023-04-18", "Business case for four more civil interventions officers approved.")
        .update("2025-12-03", "Two of the four posts filled; DVPO applications up 30% on last year.")
        .review(
            "2026-03-10",
            "Recruitment to the remaining two posts stalled; owner to report to the Public Protection board.",
        )
    )
    (
        cast.story("11443", owner="cjs")
        .update("2022-11-08", "Victims' Code compliance added to the monthly performance pack.")
        .status("2026-06-01", TrackingStatus.EVIDENCE_GATHERING, "Gathering two quarters of compliance data.")
        .evidence(
            "2026-09-14",
            "Victims' Code compliance dip sample, Q2 2026",
            file=(
                "vcop-dip-sample-2026-q2.txt",
                "Victims' Code compliance dip sample, April to June 2026\nNeeds assessment recorded: 87%\n"
                "Updates within Code timescales: 81%\n",
            ),
        )
        .review("2026-10-06", "A second quarter of data is needed before submission.")
        .update("2026-10-20", "Q3 data extracted: needs assessment recorded in 89% of crimes.")
    )
    (
        cast.story("11444", owner="local")
        .update("2023-02-07", "Investigation supervision standards published; supervisors' training under way.")
        .evidence(
            "2026-10-27",
            "Investigation supervision audit 2026",
            file=(
                "supervision-audit-2026.pdf",
                "Investigation supervision audit, September 2026\n300 investigations reviewed.\n"
                "Plan set within 72 hours: 93%. Victim's view recorded before outcome: 88%.",
            ),
        )
        .update("2026-10-27", "Audit complete: supervision standards met in all four local policing areas.")
        .submit("2026-10-28", "Audit shows the standards are embedded.")
        .passed("2026-11-05", "Checked: the audit covers all four local policing areas.")
    )


def _wmp_older_and_stalking(cast: Cast) -> None:
    """Still open at the September 2022 JAC (the seed's footnote); the older-people items closed in 2023."""
    (
        cast.story("10618", owner="cjs", since="2019-08-01")
        .hmicfrs("2020-02-11", HmicfrsStatus.BEING_PROGRESSED, "Force reports a new victim needs assessment form.")
        .update("2021-05-17", "Victim needs assessment built into the crime recording system; compliance 71%.")
        .update("2022-09-12", "Compliance at 84%; targeted briefing for response teams.")
        .extension(
            "2022-10-03",
            "2023-01-31",
            "Compliance needs two more months to reach the 90% threshold agreed with the FLL.",
            decided="2022-10-07",
            approve=False,
            because="Already well overdue; the FLL expects evidence before the December JAC. No further slippage.",
        )
        .evidence(
            "2022-12-19",
            "Victim needs assessment compliance audit",
            file=(
                "vna-audit-2022-q4.pdf",
                "Victim needs assessments, older victims, October to December 2022\nAssessed: 94%",
            ),
        )
        .submit("2023-01-09")
        .passed("2023-01-10")
        .signed_off(
            "2023-05-25", CLOSURE + "the compliance audit (94% of older victims assessed) and the Victim Care policy."
        )
    )
    (
        cast.story("9962", owner="ppu", since="2019-08-01")
        .update("2022-07-04", "Adult safeguarding referral process revised with the three local authorities.")
        .evidence("2022-11-21", "Adult safeguarding referral audit", url="ppu/adult-referrals-audit-2022")
        .submit("2022-11-22")
        .passed("2022-11-23")
        .signed_off("2022-12-08", CLOSURE + "the referral audit and the NPCC advice adopted in force policy.")
    )
    (
        cast.story("older", owner="ppu", since="2019-08-01")
        .evidence("2023-05-30", "Closure report: crimes against older people", url="assurance/closure-older-people")
        .submit("2023-05-30")
        .passed("2023-06-01")
        .signed_off("2023-06-08", CLOSURE + "the sign-off of recommendations 10618 and 9962.")
    )
    (
        cast.story("9472", owner="ppu", since="2017-08-01")
        .hmicfrs(
            "2018-03-14", HmicfrsStatus.BEING_PROGRESSED, "Awaiting national guidance from the NPCC and CPS leads."
        )
        .update("2021-11-22", "Stalking training now covers breaches of orders as evidence of a pattern of offending.")
        .update("2022-09-01", "Local actions complete; closure depends on the NPCC and CPS national guidance.")
        .rag(
            "2025-02-10",
            RagOverride.AMBER,
            "Past its date, but the force's own actions are complete and closure "
            "depends on national guidance the FLL confirms is outstanding.",
        )
        .review("2026-02-18", "No change: national guidance still awaited.")
        .review("2026-05-20", "No change; FLL to raise with the NPCC lead.")
        .review("2026-08-19", "NPCC consultation on breach guidance closed in July.")
    )
    (
        cast.story("stalking", owner="ppu", since="2017-08-01")
        .update("2022-09-01", "Remains open until recommendation 9472 is closed.")
        .update("2026-08-19", "Still open: the force's actions are complete and 9472 awaits national guidance.")
    )


def _wmp_ppda(cast: Cast) -> None:
    (
        cast.story("ppda1", owner="psd")
        .update(
            "2022-07-20",
            "Audit of live PPDA cases and those closed in the 12 months to 30 June 2022 started: 64 cases.",
        )
        .update("2022-10-12", "Audit complete: 7 cases re-assessed as conduct matters; 2 referred to the IOPC.")
        .evidence(
            "2022-10-31",
            "PPDA case audit summary",
            file=(
                "ppda-case-audit.pdf",
                "PPDA case audit, July to October 2022\n64 cases audited.\n7 re-assessed as conduct matters.\n"
                "2 referred to the IOPC.",
            ),
        )
        .evidence("2022-12-16", "Letter to the College, IOPC and HMICFRS via the NPCC", url="psd/ppda-letter-npcc")
        .submit("2023-01-10")
        .passed("2023-01-12")
        .returned(
            "2023-03-14",
            "The letter covers six of the seven areas but not decisions on deploying officers "
            "under investigation for domestic abuse: provide the deployment framework and evidence it is used.",
        )
        .update("2023-05-02", "Deployment framework for officers under investigation agreed at Force Executive Team.")
        .evidence("2023-05-02", "Deployment decision framework", url="psd/deployment-framework")
        .submit("2023-06-01")
        .passed("2023-06-02")
        .signed_off(
            "2023-07-20",
            CLOSURE + "the case audit, the letter via the NPCC of 16 December 2022 and the "
            "deployment decision framework.",
        )
    )
    (
        cast.story("ppda2", owner="psd")
        .update("2022-09-05", "Investigation ownership rationale added to the PSD assessment template.")
        .update("2024-03-11", "Agreement with West Mercia and Staffordshire for external force investigation of PPDA.")
        .evidence("2024-03-11", "External force investigation agreement", url="psd/external-investigation-mou")
        .review("2026-08-12", "Ready to submit once the 2026 dip sample is added.")
        .evidence(
            "2026-11-09",
            "Ownership rationale dip sample 2026",
            file=(
                "ppda-ownership-dip-sample.txt",
                "PPDA ownership rationale dip sample, 2026\n30 cases; rationale recorded in 29.\n",
            ),
        )
        .update("2026-11-09", "2026 dip sample complete: rationale recorded in 29 of 30 cases.")
        .submit("2026-11-10", "Plans, agreement and dip sample attached.")
    )
    (
        cast.story("ppda3", owner="ppu")
        .update("2022-11-14", "Confidential reporting route for PPDA victims published on the intranet and website.")
        .status("2024-01-15", TrackingStatus.EVIDENCE_GATHERING)
        .evidence("2024-01-15", "Confidential reporting guidance for PPDA victims", url="ppu/ppda-reporting-guidance")
        .review("2026-07-01", "Single point of contact role being piloted.")
        .review("2026-10-01", "Pilot evaluation due in December.")
        .update("2026-11-03", "Fourteen victims supported through the single point of contact pilot so far.")
    )


def _wmp_acquisitive(cast: Cast) -> None:
    (
        cast.story("acq1", owner="contact")
        .update("2022-10-03", "Crime scene management guidance rewritten against the APP.")
        .hmicfrs("2024-05-09", HmicfrsStatus.BEING_PROGRESSED, "Policy seen; compliance not yet shown.")
        .evidence("2026-09-14", "Revised crime scene management policy", url="contact/csm-policy-2026")
        .submit("2026-09-15")
        .passed("2026-09-17")
        .returned(
            "2026-10-14",
            "The evidence shows the revised policy but not that it is followed: provide a dip "
            "sample of attendances showing advice at first contact, THRIVE recorded and repeat victims flagged.",
        )
    )
    (
        cast.story("acq2", owner="local")
        .update(
            "2022-11-21", "Supervision framework for serious acquisitive crime piloted in two local policing areas."
        )
        .extension(
            "2023-03-08",
            "2023-12-31",
            "Pilot runs to July; force-wide roll-out in the autumn.",
            decided="2023-03-15",
            approve=True,
            because="Agreed with the FLL: the pilot must finish first.",
        )
        .extension(
            "2023-12-04",
            "2024-06-30",
            "Roll-out delayed by the new records system.",
            decided="2023-12-11",
            approve=True,
            because="Agreed; no further extension will be given.",
        )
        .evidence("2024-06-14", "Serious acquisitive crime supervision audit", url="local/sac-supervision-audit")
        .submit("2024-06-17")
        .passed("2024-06-19")
        .signed_off("2024-07-18", CLOSURE + "the supervision framework in all areas and the June 2024 audit.")
    )


def _other_forces(cast: Cast) -> None:
    """A few records moved along in neighbouring forces, so the national picture is not empty."""
    (
        cast.story("ppda1", WEST_MERCIA)
        .update("2022-08-22", "PPDA case audit complete: 21 cases.")
        .evidence("2022-12-05", "Letter via the NPCC and audit summary", url="west-mercia/ppda-letter")
        .submit("2022-12-05")
        .passed("2022-12-06")
        .signed_off("2023-04-12", CLOSURE + "the case audit and the letter via the NPCC.")
    )
    cast.story("acq1", WEST_MERCIA).update("2023-01-16", "Crime scene attendance policy under review.")
    (
        cast.story("acq2", WEST_MERCIA)
        .update("2023-02-20", "Supervisors' checklist in use.")
        .evidence("2026-10-19", "Supervision audit", url="west-mercia/sac-audit")
        .submit("2026-10-20")
        .passed("2026-10-22")
    )
    (
        cast.story("10618", STAFFS)
        .evidence("2021-01-18", "Victim needs assessment audit", url="staffordshire/vna-audit")
        .submit("2021-01-18")
        .passed("2021-01-20")
        .signed_off("2021-03-10", CLOSURE + "the victim needs assessment audit.")
    )
    (
        cast.story("ppda1", STAFFS)
        .update("2022-09-19", "Audit started.")
        .update("2023-06-05", "Audit complete; letter drafted.")
    )
    (
        cast.story("acq1", WARKS)
        .update("2022-12-12", "THRIVE recording added to the attendance form.")
        .status("2023-02-01", TrackingStatus.EVIDENCE_GATHERING)
    )
    (
        cast.story("ppda2", AVON)
        .update("2023-03-27", "External investigation protocol agreed with neighbouring forces.")
        .evidence("2026-11-02", "External investigation protocol", url="avon-somerset/ppda-protocol")
        .submit("2026-11-02")
    )
    (
        cast.story("9962", AVON)
        .evidence("2026-08-03", "Safeguarding referral process", url="avon-somerset/referrals")
        .submit("2026-08-03")
        .passed("2026-08-05")
        .returned("2026-09-21", "Process seen but no audit of referrals made: provide one.")
    )
