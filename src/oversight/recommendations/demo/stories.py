"""The demo: the seed documents' reports and items, West Midlands Police's register in plausible
states, a handful of other forces, the PCC's 56-day responses and the Joint Audit Committee.

Every state change goes through the services, so transitions, progress updates, HMICFRS entries
and evidence exist as if people had made them; each step is then dated back to when it plausibly
happened (2017 to 2026), because committee papers read statuses from the dated history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.utils import timezone

from oversight.organisations.demo import PASSWORD, Login
from oversight.organisations.models import Membership, Organisation, Role

from .. import services
from ..models import (
    Addressee,
    Committee,
    CommitteeMeeting,
    Evidence,
    EvidenceVersion,
    ExtensionRequest,
    ForthcomingInspection,
    GoverningBodyResponse,
    HmicfrsStatus,
    HmicfrsStatusEntry,
    Item,
    ItemKind,
    ProgressUpdate,
    RagOverride,
    Report,
    ReportKind,
    TrackingRecord,
    TrackingStatus,
    Transition,
)

MARKER_USERNAME = "wmp.liaison"

WMP, WEST_MERCIA, STAFFS, WARKS, AVON = (
    "west-midlands-police",
    "west-mercia-police",
    "staffordshire-police",
    "warwickshire-police",
    "avon-and-somerset-police",
)
WM_PCC = "governing-body:west-midlands-police"  # resolved through the force's governing body
HMICFRS_URL = "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"
EVIDENCE_URL = "https://intranet.example.org/"  # demo links: a placeholder domain, not a real system


# People: one demo login per role of the brief, and the liaison officers of the other forces.


@dataclass(frozen=True)
class Person:
    key: str
    username: str
    name: str
    role: Role
    organisation: str
    can: str
    portfolio: str = ""
    also: tuple[tuple[str, Role], ...] = ()
    covers: tuple[str, ...] = ()
    is_staff: bool = False


OTHER_FORCES = (WEST_MERCIA, STAFFS, WARKS, AVON)
OWNER_CAN = "Posts progress updates and evidence on their items, asks for extensions, submits for sign-off"
PEOPLE = (
    Person("liaison", "wmp.liaison", "Hannah Clarke", Role.LIAISON_OFFICER, WMP,
           "Keeps the register: assigns owners, decides extensions, records reviews and RAG overrides, checks "
           "submissions and passes them to HMICFRS; writes the chief constable's comments; prepares the JAC paper"),
    Person("ppu", "wmp.ppu", "Daniel Okafor", Role.OWNER, WMP, OWNER_CAN, portfolio="Public Protection Unit"),
    Person("contact", "wmp.contact", "Laura Bennett", Role.OWNER, WMP, OWNER_CAN, portfolio="Force Contact"),
    Person("cjs", "wmp.cjs", "Imran Hussain", Role.OWNER, WMP, OWNER_CAN, portfolio="Criminal Justice Services"),
    Person("local", "wmp.local", "Gareth Price", Role.OWNER, WMP, OWNER_CAN, portfolio="Local Policing"),
    Person("psd", "wmp.psd", "Siobhan Walsh", Role.OWNER, WMP, OWNER_CAN,
           portfolio="Professional Standards Department"),
    Person("fll", "hmicfrs.fll", "Martin Doyle", Role.HMICFRS_LEAD, "hmicfrs",
           "Reviews WMP's evidence: signs items off or returns them with reasons; records the inspectorate's status",
           covers=(WMP,)),
    Person("jac", "jac.member", "Patricia Lowe", Role.COMMITTEE_MEMBER, WMP,
           "Reads WMP's register, the PCC's responses and the Joint Audit Committee papers; changes nothing",
           also=((WM_PCC, Role.COMMITTEE_MEMBER),)),
    Person("opcc", "opcc.scrutiny", "Amir Chaudhry", Role.OPCC_OFFICER, WM_PCC,
           "Reads WMP's register; writes and publishes the PCC's 56-day responses"),
    Person("wmerc", "wmerc.liaison", "Tom Hale", Role.LIAISON_OFFICER, WEST_MERCIA,
           "Keeps West Mercia Police's register; sees nothing of West Midlands Police's"),
    Person("analyst", "apcc.analyst", "Grace Ellis", Role.NATIONAL_ANALYST, "apcc",
           "Adds reports and items; reads published reports; sees no force's register"),
    Person("admin", "admin", "Sam Carter", Role.ADMINISTRATOR, "hmicfrs",
           "Manages people, organisations and memberships in the admin site (/admin/); sees no register "
           "and no case", is_staff=True),
    Person("staffs", "staffs.liaison", "Kate Morris", Role.LIAISON_OFFICER, STAFFS,
           "Keeps Staffordshire Police's register"),
    Person("warks", "warks.liaison", "Ben Ashworth", Role.LIAISON_OFFICER, WARKS,
           "Keeps Warwickshire Police's register"),
    Person("avon", "avon.liaison", "Ruth Coleman", Role.LIAISON_OFFICER, AVON,
           "Keeps Avon and Somerset Police's register"),
    Person("fll2", "hmicfrs.fll2", "Joy Adeyemi", Role.HMICFRS_LEAD, "hmicfrs",
           "Reviews evidence for West Mercia, Staffordshire, Warwickshire, Avon and Somerset", covers=OTHER_FORCES),
)  # fmt: skip


def _organisation(reference: str) -> Organisation:
    if reference == WM_PCC:
        body = _organisation(WMP).governing_body_on(dt.date(2022, 9, 29))
        assert body is not None, "West Midlands Police has no governing body on record"
        return body
    return Organisation.objects.get(slug=reference)


def _create_people() -> dict[str, User]:
    hashed = make_password(PASSWORD)  # hashed once: the demo password is the same for everyone
    people = {}
    for person in PEOPLE:
        first, last = person.name.split(" ", 1)
        user = User.objects.create(
            username=person.username, first_name=first, last_name=last, password=hashed,
            email=f"{person.username}@example.org", is_staff=person.is_staff,
        )  # fmt: skip
        membership = Membership.objects.create(
            user=user, organisation=_organisation(person.organisation), role=person.role, portfolio=person.portfolio
        )
        membership.covers.set([_organisation(slug) for slug in person.covers])
        for organisation, role in person.also:
            Membership.objects.create(user=user, organisation=_organisation(organisation), role=role)
        if person.is_staff:
            user.user_permissions.set(_administration_permissions())
        people[person.key] = user
    return people


def _administration_permissions() -> list[Permission]:
    """What the system administrator manages in the admin site: people, organisations, memberships."""
    return list(
        Permission.objects.filter(
            content_type__app_label__in=["auth", "organisations"],
            content_type__model__in=["user", "organisation", "governingbodyterm", "membership"],
        )
    )


def logins() -> list[Login]:
    """The register demo's logins, one row per person, for `oversight load_demo` to print."""
    return [Login(p.username, _role_label(p), _organisation_label(p), p.can) for p in PEOPLE]


def _role_label(person: Person) -> str:
    return f"Owner: {person.portfolio}" if person.portfolio else person.role.label


def _organisation_label(person: Person) -> str:
    label = " and ".join(
        [_organisation_name(person.organisation), *(_organisation_name(org) for org, _ in person.also)]
    )
    if person.covers:
        covered = _organisation_name(person.covers[0]) if len(person.covers) == 1 else f"{len(person.covers)} forces"
        label += f", covering {covered}"
    return label


def _organisation_name(reference: str) -> str:
    names = {WM_PCC: "West Midlands PCC", "hmicfrs": "HMICFRS", "apcc": "APCC"}
    return names.get(reference) or reference.replace("-", " ").title().replace(" And ", " and ")


# Dating: each step runs now and is then moved back to the moment it plausibly happened.

STAMPED: tuple[tuple[type[models.Model], str], ...] = (
    (Transition, "at"),
    (ProgressUpdate, "written_at"),
    (Evidence, "added_at"),
    (EvidenceVersion, "uploaded_at"),
    (ExtensionRequest, "requested_at"),
    (LogEntry, "timestamp"),
)


def _last_pk(model: type[models.Model]) -> int:
    return model._default_manager.aggregate(last=models.Max("pk"))["last"] or 0


@contextmanager
def _dated(at: dt.datetime) -> Iterator[None]:
    """Rows written inside the block are dated `at`, as if written then."""
    marks = {model: _last_pk(model) for model, _ in STAMPED}
    last_entry, started = _last_pk(HmicfrsStatusEntry), timezone.now()
    yield
    for model, stamp in STAMPED:
        model._default_manager.filter(pk__gt=marks[model]).update(**{stamp: at})
    HmicfrsStatusEntry.objects.filter(pk__gt=last_entry).update(recorded_on=at.date())
    ExtensionRequest.objects.filter(decided_at__gte=started).update(decided_at=at)


def _at(day: str | dt.date, minutes: int = 0) -> dt.datetime:
    day = dt.date.fromisoformat(day) if isinstance(day, str) else day
    # Mid-morning to early afternoon, varying by day so the history does not look machine-made.
    start = dt.datetime.combine(day, dt.time(9, 30)) + dt.timedelta(minutes=(day.toordinal() * 37) % 240 + minutes)
    return timezone.make_aware(start)


def _upload(name: str, text: str) -> SimpleUploadedFile:
    if Path(name).suffix == ".pdf":
        return SimpleUploadedFile(name, tiny_pdf(text.splitlines()), "application/pdf")
    return SimpleUploadedFile(name, text.encode(), "text/plain")


def tiny_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing the lines in Helvetica."""

    def escape(line: str) -> bytes:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")

    stream = b"BT /F1 11 Tf 14 TL 56 800 Td " + b" ".join(b"(" + escape(line) + b") '" for line in lines) + b" ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


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


# Reports and their items, as published.

CC = Addressee.CHIEF_CONSTABLES


def _report(by: User, published: str, forces: list[Organisation] | None = None, **fields: object) -> Report:
    at = _at(published)
    with set_actor(by), _dated(at):
        report = services.add_report(
            by, forces=forces, covers_all_forces=forces is None, published_on=dt.date.fromisoformat(published), **fields
        )
    Report.objects.filter(pk=report.pk).update(created_at=at)
    return report


def _item(report: Report, by: User, kind: ItemKind, text: str, **fields: object) -> Item:
    """Add an item as published; its tracking records date from the report's publication."""
    at = _at(report.published_on, 30)
    fields.setdefault("addressees", [CC])
    with set_actor(by), _dated(at):
        item = services.add_item(report, by, kind=kind, text=text, **fields)
    TrackingRecord.objects.filter(item=item).update(created_at=at, updated_at=at)
    return item


def _adopt(item: Item, force: Organisation, by: User) -> None:
    """A force tracks a national recommendation that needs local action, as WMP tracks 9472."""
    at = _at(item.report.published_on, 45)
    with set_actor(by), _dated(at):
        TrackingRecord.objects.create(item=item, organisation=force, due_on=item.due_on, original_due_on=item.due_on)
    TrackingRecord.objects.filter(item=item, organisation=force).update(created_at=at, updated_at=at)


def _ppda_report(by: User) -> dict[str, Item]:
    report = _report(
        by, "2022-06-30", kind=ReportKind.SUPER_COMPLAINT,
        title="Police perpetrated domestic abuse: Report on the Centre for Women's Justice super-complaint",
        url=HMICFRS_URL + "police-perpetrated-domestic-abuse-report-on-the-centre-for-womens-justice-super-complaint/",
        summary=(
            "In March 2020 the Centre for Women's Justice, working with the Bureau of Investigative Journalism, "
            "submitted a super-complaint alleging that forces were not responding appropriately to domestic abuse "
            "by police officers and staff. HMICFRS, the College of Policing and the IOPC found eleven themes, from "
            "difficulties in initial reporting to the workplace victimisation of women who are police officers, and "
            "made three recommendations. Super-complaint recommendations are not mandatory in the way thematic "
            "and PEEL recommendations are."
        ),
    )  # fmt: skip
    rec = ItemKind.RECOMMENDATION
    return {
        "ppda1": _item(
            report, by, rec, number="1", title="Audit PPDA cases and write via the NPCC",
            addressees=[CC, Addressee.NPCC], deadline_phrase="Within six months",
            text=(
                "Chief constables should ensure that both live police perpetrated domestic abuse (PPDA) cases and "
                "those closed within the last 12 months (ending 30 June 2022) are audited, and take appropriate action "
                "where they find cases were not treated appropriately as complaint and conduct matters. They should "
                "write, via the NPCC, to the College, IOPC and HMICFRS within six months explaining how, following "
                "their case audit, their force has or will improve the response to PPDA allegations, including: "
                "handling PPDA as a police complaint and conduct matter; compliance with authorised professional "
                "practice (APP) or the rationale for derogating from it; monitoring of PPDA cases; impartial, "
                "joined-up criminal and conduct investigations by people with the right knowledge and skills; "
                "engagement and communication with victims; decisions on deploying officers under investigation for "
                "domestic abuse; and other steps to embed the findings of the super-complaint."
            ),
        ),
        "ppda2": _item(
            report, by, rec, number="2", title="Independent investigation of PPDA allegations",
            text=(
                "Chief constables should make sure they have plans in place to ensure PPDA allegations are "
                "investigated (both the criminal investigation and the misconduct response) by someone with no prior "
                "connection to any of those involved, and that rationales for investigation ownership decisions are "
                "fully recorded. It may be appropriate to refer a case for external force investigation when truly "
                "independent investigators cannot be found in force, or when victim trust and confidence cannot be "
                "secured another way. Local plans should mitigate any unintended consequences for the speed and "
                "quality of the investigation and for victim engagement, and be kept under review."
            ),
        ),
        "ppda3": _item(
            report, by, rec, number="3", title="Support services and guidance for PPDA victims",
            addressees=[Addressee.PCCS, Addressee.MOJ, CC],
            text=(
                "PCCs, the Ministry of Justice and chief constables should make sure their provision of domestic abuse "
                "support services and guidance is capable of meeting the specific needs of all non-police and police "
                "victims of PPDA. This should include PCCs considering whether local services can deal with the "
                "specific risks and vulnerabilities of PPDA victims; the MoJ's guidance for IDVAs; chief constables "
                "reviewing the support available to these victims, sharing case updates accessibly (for example "
                "through a nominated senior person acting as a single point of contact), and providing accessible "
                "information on how to report PPDA and get confidential support."
            ),
        ),
    }  # fmt: skip


def _acquisitive_report(by: User) -> dict[str, Item]:
    report = _report(
        by, "2022-08-11", kind=ReportKind.SPOTLIGHT,
        title="The police response to burglary, robbery and other acquisitive crime – Finding time for crime",  # noqa: RUF001
        url=HMICFRS_URL + "police-response-to-burglary-robbery-and-other-acquisitive-crime/",
        summary=(
            "The police response to serious acquisitive crime: domestic burglary, personal robbery, theft from the "
            "person, and theft of and from a motor vehicle. Very few of these crimes result in justice for victims: "
            "only 7 percent of robbery offences and 4 percent of thefts resulted in a charge. Two recommendations "
            "to all forces."
        ),
    )  # fmt: skip
    rec = ItemKind.RECOMMENDATION
    return {
        "acq1": _item(
            report, by, rec, number="1", title="Crime scene management for serious acquisitive crime",
            deadline_phrase="By March 2023",
            text=(
                "By March 2023, forces should make sure their crime scene management practices adhere to the APP on "
                "managing investigations for serious acquisitive crime or provide a rationale for deviating from it. "
                "They should include giving victims timely and appropriate advice during their initial call, and "
                "applying a risk assessment process such as THRIVE, clearly recording it, and flagging those "
                "re-victimised for further support."
            ),
        ),
        "acq2": _item(
            report, by, rec, number="2", title="Supervision of serious acquisitive crime investigations",
            deadline_phrase="By March 2023",
            text=(
                "By March 2023, all forces should ensure serious acquisitive crime investigations are subject to "
                "effective supervision and direction, making sure supervisors have the capability and capacity to "
                "supervise meaningfully; that investigations meet the necessary standards and achieve suitable "
                "outcomes that consider the voice of the victim; that investigative codes are applied "
                "appropriately; and that the Victims' Code is complied with and compliance recorded."
            ),
        ),
    }  # fmt: skip


def _older_people_report(by: User) -> dict[str, Item]:
    report = _report(
        by, "2019-07-17", kind=ReportKind.THEMATIC,
        title="The poor relation: the police and CPS response to crimes against older people",
        url=HMICFRS_URL + "the-poor-relation-the-police-and-cps-response-to-crimes-against-older-people/",
    )  # fmt: skip
    concern = _item(
        report, by, ItemKind.CAUSE_OF_CONCERN, number="1", title="Crimes against older people",
        text=(
            "The needs of older victims are not always identified or met: victim needs assessments are not always "
            "completed and safeguarding referrals are not always made where they should be."
        ),
    )  # fmt: skip
    rec = ItemKind.RECOMMENDATION
    return {
        "older": concern,
        "10618": _item(
            report, by, rec, reference="10618", cause_of_concern=concern, deadline_phrase="Within six months",
            text="Within six months Chief Constables should ensure that Victim Needs Assessments are always completed.",
        ),
        "9962": _item(
            report, by, rec, reference="9962", cause_of_concern=concern, deadline_phrase="Within three months",
            addressees=[CC, Addressee.NPCC],
            text=(
                "Within three months Chief Constables should ensure that safeguarding referrals are always made where "
                "appropriate and that advice on the processes required to achieve this are provided by the NPCC."
            ),
        ),
    }  # fmt: skip


def _stalking_report(by: User, wmp: Organisation) -> dict[str, Item]:
    report = _report(
        by, "2017-07-05", kind=ReportKind.JOINT,
        title="Living in fear – the police and CPS response to harassment and stalking",  # noqa: RUF001
        url=HMICFRS_URL + "living-in-fear-the-police-and-cps-response-to-harassment-and-stalking/",
    )  # fmt: skip
    concern = _item(
        report, by, ItemKind.CAUSE_OF_CONCERN, number="1", title="Stalking and harassment",
        text=(
            "Stalking and harassment are not always recognised, and breaches of orders are not treated as evidence "
            "of a wider pattern of offending, leaving victims at risk."
        ),
    )  # fmt: skip
    item = _item(
        report, by, ItemKind.RECOMMENDATION, reference="9472", cause_of_concern=concern,
        deadline_phrase="Within six months", addressees=[Addressee.NPCC, Addressee.CPS],
        text=(
            "Within six months the NPCC and CPS leads should consider whether they can do more to inform police "
            "officers and lawyers of the importance of treating breaches of orders (as evidence of a wider pattern "
            "of offending or when it is evidence of stalking and harassment)."
        ),
    )  # fmt: skip
    _adopt(item, wmp, by)
    return {"stalking": concern, "9472": item}


def _peel_report(by: User, wmp: Organisation) -> dict[str, Item]:
    report = _report(
        by, "2022-05-20", [wmp], kind=ReportKind.PEEL,
        title="PEEL 2021/22: An inspection of West Midlands Police",
        url="https://www.justiceinspectorates.gov.uk/hmicfrs/peel-assessments/peel-2021-22/west-midlands/",
        summary="Police effectiveness, efficiency and legitimacy: two causes of concern, four areas for improvement.",
    )  # fmt: skip
    concern, rec, afi = ItemKind.CAUSE_OF_CONCERN, ItemKind.RECOMMENDATION, ItemKind.AREA_FOR_IMPROVEMENT
    items = {
        "11430": _item(
            report,
            by,
            concern,
            reference="11430",
            number="1",
            title="Responding to the public",
            text=(
                "The force is not answering emergency and non-emergency calls quickly enough, and call handlers do not "
                "always identify vulnerability and repeat victims at first contact."
            ),
        ),
        "11435": _item(
            report,
            by,
            concern,
            reference="11435",
            number="2",
            title="Managing registered sex offenders",
            text=(
                "The force is not managing the risk posed by registered sex offenders well enough: there is a "
                "backlog of risk assessments and home visits are overdue."
            ),
        ),
    }
    items |= {
        "11431": _item(report, by, rec, reference="11431", number="1.1", cause_of_concern=items["11430"],
            deadline_phrase="Within three months", text=(
            "Within three months, the force should make sure it answers emergency calls within national standards "
            "and reduces the number of non-emergency (101) calls abandoned.")),
        "11432": _item(report, by, rec, reference="11432", number="1.2", cause_of_concern=items["11430"],
            deadline_phrase="Within six months", text=(
            "Within six months, the force should make sure call handlers use a structured risk assessment (THRIVE) "
            "for every call, record it, and identify repeat and vulnerable victims.")),
        "11436": _item(report, by, rec, reference="11436", number="2.1", cause_of_concern=items["11435"],
            deadline_phrase="Within three months", text=(
            "Within three months, the force should make sure it has enough trained staff to manage registered sex "
            "offenders, and clear its backlog of risk management (ARMS) assessments and overdue visits.")),
        "11441": _item(report, by, afi, reference="11441", text=(
            "The force should make sure it gives callers appropriate crime prevention and evidence preservation "
            "advice.")),
        "11442": _item(report, by, afi, reference="11442", text=(
            "The force should increase the capacity of its civil interventions team and make better use of protective "
            "orders, such as domestic violence protection orders and stalking protection orders.")),
        "11443": _item(report, by, afi, reference="11443", text=(
            "The force should make sure victims' needs are assessed and that it complies with the Victims' Code, "
            "recording how it has done so.")),
        "11444": _item(report, by, afi, reference="11444", text=(
            "The force should improve the supervision of investigations, so that plans are set and reviewed and "
            "outcomes take account of victims' views.")),
    }  # fmt: skip
    return items


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


# The West Midlands PCC's 56-day responses (s.55 Police Act 1996).

PCC_COMMENTS = """\
As the Police and Crime Commissioner for the West Midlands, I support and welcome the recommendations of the \
report on the Centre for Women's Justice super-complaint. All victims of domestic abuse, whether or not their abuser \
is a serving police officer or connected to the police, are entitled to be treated with respect and dignity and to \
a fair and timely response. It is right that police perpetrated domestic abuse (PPDA) receives more scrutiny.

Victims of PPDA face additional barriers to reporting and to seeking help, particularly where victim and abuser \
work for the same force. Measures I will explore with West Midlands Police include locking records to the alleged \
abuser, investigation by a different force, access to support out of area, and elevated safeguarding including \
closed-panel MARAC hearings where needed.

I agree that PPDA must be dealt with as a misconduct matter. I have directed my office to dip-sample complaints, \
and I will use my Strategic Police and Crime Board to review progress against the super-complaint's recommendations."""

CHIEF_CONSTABLE_COMMENTS = """\
West Midlands Police accepts all three recommendations. The Professional Standards Department has begun an audit \
of live PPDA cases and those closed in the 12 months to 30 June 2022, and will write via the NPCC within six months. \
Progress is tracked on the force recommendation register and reported to the Joint Audit Committee."""

PCC_STEPS = {
    "ppda1": "Through the Strategic Police and Crime Board, examine whether PPDA cases are considered under "
    "professional misconduct or gross misconduct and, if not, why not; include PPDA cases in the OPCC's dip sample.",
    "ppda2": "Explore with West Midlands Police the investigation of PPDA allegations by a different force and the "
    "locking of records to the alleged abuser; bring PSD's process to the Domestic Abuse Regional Board.",
    "ppda3": "Through the Victims Commission, seek the expert advisory body's view of the nature and scale of PPDA in "
    "the region and the additional support needs of these victims, and consider a bespoke pathway; pursue this "
    "through the West Midlands Ending Male Violence Against Women and Girls Alliance.",
}


def _responses(cast: Cast, wmp: Organisation) -> None:
    opcc, liaison, items = cast.people["opcc"], cast.people["liaison"], cast.items
    with set_actor(opcc), _dated(_at("2022-07-11")):
        response = services.start_response(items["ppda1"].report, wmp, opcc)
    with set_actor(opcc), _dated(_at("2022-08-15")):
        actions = {items[key].pk: (steps, "") for key, steps in PCC_STEPS.items()}
        response = services.save_response(response, opcc, response.version, body_comments=PCC_COMMENTS, actions=actions)
    with set_actor(liaison), _dated(_at("2022-08-17")):
        response = services.save_response(
            response, liaison, response.version, chief_constable_comments=CHIEF_CONSTABLE_COMMENTS
        )
    with set_actor(opcc), _dated(_at("2022-08-24")):
        services.publish_response(response, opcc)
    GoverningBodyResponse.objects.filter(pk=response.pk).update(published_on=dt.date(2022, 8, 24))
    # The acquisitive crime response was started but never finished: it is overdue.
    with set_actor(opcc), _dated(_at("2022-09-05")):
        draft = services.start_response(items["acq1"].report, wmp, opcc)
    with set_actor(liaison), _dated(_at("2022-09-28")):
        services.save_response(
            draft, liaison, draft.version,
            chief_constable_comments="West Midlands Police accepts both recommendations; owners have been assigned.",
        )  # fmt: skip


# The Joint Audit Committee and what it is told is coming.

MEETINGS = (("2022-06-23", "07"), ("2022-09-29", "07"), ("2022-12-15", "08"), ("2026-09-24", "07"), ("2026-12-10", ""))


def _committee(cast: Cast, wmp: Organisation) -> None:
    liaison = cast.people["liaison"]
    with set_actor(liaison), _dated(_at("2022-06-01")):
        committee = Committee.objects.create(name="Joint Audit Committee", organisation=_organisation(WM_PCC))
        committee.forces.set([wmp])
    for held_on, agenda_item in MEETINGS:
        with set_actor(liaison), _dated(_at(dt.date.fromisoformat(held_on) - dt.timedelta(days=21))):
            CommitteeMeeting.objects.create(
                committee=committee, held_on=dt.date.fromisoformat(held_on), agenda_item=agenda_item
            )
    inspections = (
        ("Thematic inspection of ROCU", "Early October", "2022-09-01"),
        ("PEEL 2025–27 inspection of West Midlands Police", "Spring 2027", "2026-10-05"),  # noqa: RUF001
    )
    for title, expected, notified in inspections:
        with set_actor(liaison), _dated(_at(notified)):
            ForthcomingInspection.objects.create(
                force=wmp, title=title, expected=expected, notified_on=dt.date.fromisoformat(notified)
            )


# Loading


def is_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


@transaction.atomic
def load() -> None:
    """Create the whole demo, or nothing if any step fails."""
    people = _create_people()
    wmp, fll = _organisation(WMP), people["fll"]
    items = {
        **_stalking_report(fll, wmp),
        **_older_people_report(fll),
        **_peel_report(fll, wmp),
        **_ppda_report(fll),
        **_acquisitive_report(fll),
    }
    cast = Cast(people, items)
    _wmp_peel(cast)
    _wmp_older_and_stalking(cast)
    _wmp_ppda(cast)
    _wmp_acquisitive(cast)
    _other_forces(cast)
    _responses(cast, wmp)
    _committee(cast, wmp)
