"""The words of a generated register: national reports and PEEL findings in the inspectorate's
style, progress updates, reviews and reasons as forces write them.

The national reports are modelled on HMICFRS's published thematic inspections, spotlight reports
and the PPDA super-complaint (titles paraphrased where the generator changes their items); the PEEL
findings follow the PEEL assessment framework's areas. Nothing here quotes a real force's register.
"""

from __future__ import annotations

from dataclasses import dataclass

from oversight.recommendations.models import ItemKind, ReportKind


@dataclass(frozen=True)
class NationalReport:
    title: str
    kind: ReportKind
    years_ago: float
    summary: str
    items: tuple[tuple[ItemKind, str, str], ...]  # (kind, deadline phrase or "by:<months>", text)


REC, AFI, COC = ItemKind.RECOMMENDATION, ItemKind.AREA_FOR_IMPROVEMENT, ItemKind.CAUSE_OF_CONCERN

NATIONAL_REPORTS = (
    NationalReport(
        "Police perpetrated domestic abuse: report on the Centre for Women's Justice super-complaint",
        ReportKind.SUPER_COMPLAINT,
        4.4,
        "Forces' response to domestic abuse by police officers and staff: eleven themes, three recommendations.",
        (
            (
                REC,
                "Within six months",
                "Chief constables should ensure that both live PPDA cases and those closed in "
                "the last 12 months are audited, and take appropriate action where cases were not treated as complaint "
                "and conduct matters.",
            ),
            (
                REC,
                "",
                "Chief constables should make sure PPDA allegations are investigated by someone with no prior "
                "connection to any of those involved, and that rationales for ownership decisions are fully recorded.",
            ),
            (
                REC,
                "",
                "Chief constables should review the support available to victims of PPDA, sharing case updates "
                "accessibly through a nominated senior single point of contact.",
            ),
        ),
    ),
    NationalReport(
        "An inspection of vetting, misconduct, and misogyny in the police service",
        ReportKind.THEMATIC,
        3.8,
        "How well forces vet their workforce and identify and deal with misogynistic and predatory behaviour.",
        (
            (
                REC,
                "by:8",
                "Chief constables should make sure that their vetting units record the "
                "rationale for decisions to grant clearance where adverse information is found.",
            ),
            (
                REC,
                "by:8",
                "Chief constables should make sure their counter-corruption units actively "
                "seek intelligence on officers and staff who abuse their position for a sexual purpose.",
            ),
            (
                REC,
                "by:14",
                "Chief constables should introduce a process to check the workforce against "
                "the police national database periodically, not only at the point of vetting.",
            ),
            (
                REC,
                "Within six months",
                "Chief constables should make sure that all allegations of misogynistic and "
                "predatory behaviour are recorded and assessed against the Standards of Professional Behaviour.",
            ),
            (AFI, "", "Forces should improve how they communicate the outcomes of misconduct cases to the workforce."),
        ),
    ),
    NationalReport(
        "Stalking and harassment: an inspection of the police response",
        ReportKind.THEMATIC,
        5.6,
        "Whether the police and CPS recognise stalking and harassment and protect victims.",
        (
            (
                REC,
                "Within six months",
                "Chief constables should make sure that breaches of orders are treated as "
                "evidence of a wider pattern of offending and investigated accordingly.",
            ),
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that stalking protection orders are "
                "considered in every case where the criteria are met.",
            ),
            (
                REC,
                "Within six months",
                "Chief constables should make sure that victims of stalking are given a "
                "risk assessment using a recognised stalking screening tool.",
            ),
        ),
    ),
    NationalReport(
        "The police response to burglary, robbery and other acquisitive crime",
        ReportKind.SPOTLIGHT,
        3.3,
        "Very few serious acquisitive crimes result in justice for victims; two recommendations to all forces.",
        (
            (
                REC,
                "by:7",
                "Chief constables should make sure that attendance at domestic burglaries "
                "follows the national commitment and that crime scene investigators attend where appropriate.",
            ),
            (
                REC,
                "by:7",
                "Chief constables should make sure that supervisors review investigation "
                "plans for serious acquisitive crime within seven days.",
            ),
        ),
    ),
    NationalReport(
        "A joint thematic inspection of the police and CPS response to rape",
        ReportKind.JOINT,
        4.9,
        "Phase two: the experience of victims of rape from report to outcome.",
        (
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that rape investigations are allocated to "
                "investigators with the specialist training the case needs.",
            ),
            (
                REC,
                "Within six months",
                "Chief constables should make sure that victims are kept informed through a "
                "single point of contact throughout the investigation.",
            ),
            (AFI, "", "Forces should improve the quality of early investigative advice sought from the CPS."),
        ),
    ),
    NationalReport(
        "Digital forensics: an inspection of how the police manage digital evidence",
        ReportKind.THEMATIC,
        2.4,
        "Backlogs of devices awaiting examination and the effect on victims and investigations.",
        (
            (
                REC,
                "by:12",
                "Chief constables should make sure their forces have a digital forensics "
                "strategy that sets out demand, capacity and how backlogs will be reduced.",
            ),
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that devices are triaged within an agreed "
                "time so that investigations are not delayed.",
            ),
            (AFI, "", "Forces should improve how they record the reasons for examining a victim's device."),
        ),
    ),
    NationalReport(
        "An inspection of how well the police tackle serious youth violence",
        ReportKind.THEMATIC,
        2.0,
        "Partnership working and the use of prevention powers with children at risk of violence.",
        (
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that children arrested for violent offences "
                "are referred to youth diversion schemes where appropriate.",
            ),
            (
                REC,
                "by:10",
                "Chief constables should make sure their forces share information on "
                "children at risk with violence reduction units.",
            ),
        ),
    ),
    NationalReport(
        "Activism and impartiality in policing",
        ReportKind.THEMATIC,
        1.4,
        "How forces maintain impartiality in their engagement with campaign groups.",
        (
            (
                REC,
                "Within six months",
                "Chief constables should make sure that their forces have a process to "
                "assess the impartiality of organisations before working with them.",
            ),
            (AFI, "", "Forces should improve how they record the reasons for their involvement in public campaigns."),
        ),
    ),
    NationalReport(
        "Race and policing: an inspection of race disparity in police criminal justice decision-making",
        ReportKind.THEMATIC,
        0.9,
        "Disproportionality in stop and search, use of force and out-of-court disposals.",
        (
            (
                REC,
                "Immediately",
                "Chief constables should make sure that supervisors review every use of force "
                "involving a child and record their findings.",
            ),
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that data on out-of-court disposals is "
                "analysed by ethnicity and the findings published.",
            ),
            (
                REC,
                "by:9",
                "Chief constables should make sure that the grounds for stop and search are "
                "recorded and scrutinised by an external panel.",
            ),
        ),
    ),
    NationalReport(
        "An inspection of the police response to violence against women and girls",
        ReportKind.THEMATIC,
        0.4,
        "Progress since the 2021 inspection of the police engagement with women and girls.",
        (
            (
                REC,
                "Within six months",
                "Chief constables should make sure that every domestic abuse risk assessment "
                "is reviewed by a supervisor before the officer leaves the scene.",
            ),
            (
                REC,
                "Within 12 months",
                "Chief constables should make sure that repeat victims of domestic abuse are "
                "identified when they call and that their history is available to the call handler.",
            ),
            (AFI, "", "Forces should improve how they seek and act on the views of women and girls about policing."),
        ),
    ),
)

# PEEL findings (one framework area each), with the kind a PEEL report gives them.
PEEL_AREAS = (
    "responding to the public",
    "investigating crime",
    "protecting vulnerable people",
    "managing offenders",
    "developing a positive workplace",
    "preventing crime",
    "treatment of the public",
    "good use of resources",
)
PEEL_AFIS = (
    "The force should make sure that calls for service are answered within national standards.",
    "The force should improve how it assesses the risk to callers who report domestic abuse.",
    "The force should make sure that repeat and vulnerable victims are identified at first contact.",
    "The force should improve the supervision of investigations so that they are thorough and timely.",
    "The force should make sure victims are given updates in line with the Victims' Code.",
    "The force should improve how it records the reasons when a victim withdraws support for an investigation.",
    "The force should make sure that outcome 16 is only used where the victim's decision is recorded.",
    "The force should improve its management of registered sex offenders so that visits are not overdue.",
    "The force should make sure that digital devices are examined without delay.",
    "The force should improve its understanding of the wellbeing needs of its workforce.",
    "The force should make sure that supervisors have the time and training to carry out their role.",
    "The force should improve how it uses problem-solving to prevent crime and antisocial behaviour.",
    "The force should make sure that stop and search records give reasonable grounds.",
    "The force should improve how it scrutinises its use of force, including body-worn video.",
    "The force should understand the demand it faces so that its workforce plan matches it.",
    "The force should make sure that bail and released under investigation are used appropriately.",
    "The force should improve the quality of its referrals to multi-agency safeguarding hubs.",
    "The force should make sure it completes DASH risk assessments for every domestic abuse incident.",
    "The force should improve how it records equality data about the people it stops and searches.",
    "The force should make sure its neighbourhood officers are not routinely taken away from their duties.",
)
PEEL_CAUSES = (
    "The force is not answering emergency and non-emergency calls quickly enough, and does not assess the risk to "
    "callers well enough.",
    "The force does not always carry out thorough and timely investigations, and victims are not always kept informed.",
    "The force is not protecting vulnerable people well enough, because risk is not always identified at first "
    "contact.",
)
PEEL_RECOMMENDATIONS = (
    (
        "Within six months",
        "The force should make sure it has enough trained call handlers to answer calls within "
        "national standards, and that the risk to callers is assessed using a structured triage model.",
    ),
    (
        "Within six months",
        "The force should make sure that investigations are allocated to officers with the "
        "skills and experience needed, and that supervisors review them regularly.",
    ),
    (
        "by:12",
        "The force should make sure that safeguarding referrals are made whenever a vulnerable "
        "person is identified and that their quality is checked.",
    ),
    (
        "Within three months",
        "The force should make sure that victims receive a needs assessment and are referred "
        "to support services where appropriate.",
    ),
)

UPDATES = (
    "Action plan agreed at the force's performance board; the owner reports progress monthly.",
    "Policy revised and published on the intranet; briefing delivered to supervisors across all areas.",
    "Training package developed with the College of Policing; {n} officers trained so far.",
    "Dip sample of {n} cases completed: most met the standard, findings fed back to teams.",
    "New performance measure added to the monthly dashboard; first results reviewed by the chief officer team.",
    "Process mapped with partners; a working group meets fortnightly to deliver the changes.",
    "Recruitment to the additional posts is complete and the new team started in the last quarter.",
    "Audit by the force's internal assurance team found improvements embedded; evidence being compiled.",
)
EVIDENCE_TITLES = (
    "Revised force policy",
    "Training attendance records",
    "Dip sample results",
    "Performance dashboard extract",
    "Minutes of the governance board",
    "Internal audit report",
    "Briefing note to supervisors",
)
REVIEW_NOTES = (
    "Reviewed with the owner: progress on track against the action plan.",
    "Reviewed: progress slower than planned; owner to report back at the next board.",
    "Reviewed with the force liaison lead: evidence gathering to start.",
    "Reviewed: dependencies on a national product; position unchanged.",
)
RETURN_REASONS = (
    "The evidence shows the policy has changed but not that practice has. Please provide a dip sample.",
    "Please provide evidence that the change is in place in every area, not only the pilot.",
)
EXTENSION_REASONS = (
    "The national guidance the action depends on has not yet been published.",
    "Delivery depends on the new records system, whose go-live has moved.",
    "Training of all supervisors needs another quarter to complete.",
)
RAG_REASONS = (
    "Rated red by the chief officer team: the action plan has stalled.",
    "Rated amber at the board: a dependency on a partner agency puts the date at risk.",
    "Rated green: evidence already with the force liaison lead.",
)
