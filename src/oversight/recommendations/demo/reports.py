"""The seed documents' reports and their items, as published."""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor
from django.contrib.auth.models import User

from oversight.organisations.models import Organisation

from .. import services
from ..models import Addressee, Item, ItemKind, Report, ReportKind, TrackingRecord
from .dating import _at, _dated

HMICFRS_URL = "https://www.justiceinspectorates.gov.uk/hmicfrs/publications/"

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
