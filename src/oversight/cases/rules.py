"""Policy numbers for PPDA cases, in one place with their sources."""

from dataclasses import dataclass

from oversight.lib.ranks import RANKS, Rank

# Each restriction on a case is reviewed yearly (issue 3, "Cases and locking").
RESTRICTION_REVIEW_MONTHS = 12

# Break-glass access lasts a working shift, then must be opened again with a fresh reason.
BREAK_GLASS_HOURS = 8

# Mandatory referral to the IOPC. The criteria: Police Reform Act 2002 Sch 3 para 4(1) (complaints)
# and para 13 (recordable conduct matters); the Police (Complaints and Misconduct) Regulations 2020
# reg 4(1) (complaints) and reg 7(1) (conduct matters) (brief, section 6). What each means: the
# IOPC's Statutory guidance on the police complaints system (February 2020), on referrals; the
# meanings below are worded close to it, not quoted. Keys are stored on decisions; the wording may be
# revised.
REFERRAL_GUIDANCE = "IOPC Statutory guidance on the police complaints system (2020)"


@dataclass(frozen=True)
class Criterion:
    label: str  # beside the tick box
    meaning: str  # what the statutory guidance says the criterion covers
    source: str  # where the criterion is set


REFERRAL_CRITERIA: dict[str, Criterion] = {
    "death_or_serious_injury": Criterion(
        "Conduct that resulted in death or serious injury",
        "The conduct is alleged to have caused or contributed to a death or a serious injury: a fracture, a deep "
        "cut, a deep laceration, or an injury causing damage to an internal organ or the impairment of any bodily "
        "function.",
        "Police Reform Act 2002, Sch 3 para 4(1)(a) and s.29(1)",
    ),
    "serious_assault": Criterion(
        "A serious assault",
        "An assault that, if proved, caused injury amounting to actual bodily harm or worse (wounding, grievous "
        "bodily harm), including non-fatal strangulation or suffocation. A common assault without injury is not "
        "a serious assault.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(a)(i)",
    ),
    "serious_sexual_offence": Criterion(
        "A serious sexual offence",
        "A sexual offence under the Sexual Offences Act 2003 such as rape, assault by penetration, sexual assault "
        "or causing a person to engage in sexual activity without consent, and any sexual offence against a child.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(a)(ii)",
    ),
    "serious_corruption": Criterion(
        "Serious corruption, including abuse of position for a sexual purpose or for an improper emotional "
        "relationship",
        "Includes abuse of position to pursue a sexual or improper emotional relationship with someone met "
        "through police work; perverting the course of justice; payments, benefits or favours for police duties; "
        "corrupt handling of informants; and obtaining or disclosing police information for a purpose other "
        "than policing.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(a)(iii)",
    ),
    "discrimination": Criterion(
        "An offence or behaviour aggravated by discriminatory behaviour",
        "A criminal offence, or behaviour liable to lead to disciplinary proceedings, aggravated by discriminatory "
        "behaviour on the grounds of race, sex, religion or another status such as age, disability, sexual "
        "orientation or gender reassignment.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(a)(iv)",
    ),
    "relevant_offence": Criterion(
        "A relevant offence: one for which an adult with no previous convictions could be sentenced to 7 years or more",
        "An offence with a sentence fixed by law, or one for which a person aged 18 or over with no previous "
        "convictions could be imprisoned for 7 years or more: for example rape, wounding with intent, threats to "
        "kill, or stalking involving fear of violence. Controlling or coercive behaviour and actual bodily harm "
        "(5 years) are not.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(a)(v) and reg 1(2)",
    ),
    "same_incident": Criterion(
        "Arises from the same incident as one of the above",
        "The matter arises from the same incident as one in which conduct meeting any criterion above is alleged.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(b)",
    ),
    "chief_officer": Criterion(
        "A complaint about a chief officer, where the local policing body is the appropriate authority",
        "The complaint is about the conduct of a chief officer (a chief constable or commissioner) or the Deputy "
        "Commissioner of the Metropolitan Police, and the local policing body, as appropriate authority, cannot "
        "satisfy itself from the complaint alone that the conduct, if proved, would not justify criminal or "
        "disciplinary proceedings.",
        "Police (Complaints and Misconduct) Regulations 2020, reg 4(1)(c)",
    ),
    "iopc_required": Criterion(
        "The IOPC has required the matter to be referred",
        "The IOPC (its Director General) has notified the appropriate authority that the matter must be referred.",
        "Police Reform Act 2002, Sch 3 para 4(1)(c)",
    ),
}

# What recorded allegations already say: a word or phrase in an allegation that suggests a criterion.
# A suggestion is pre-ticked for the appropriate authority to confirm, never a decision; unticking one
# needs a sentence of reasons (decisions.py).
REFERRAL_SUGGESTED_BY: dict[str, tuple[str, ...]] = {
    "death_or_serious_injury": ("death", "died", "serious injury", "seriously injured", "fracture", "fractured"),
    "serious_assault": ("actual bodily harm", "ABH", "grievous bodily harm", "GBH", "wounding", "wounded",
                        "strangulation", "strangled", "suffocation", "suffocated", "serious assault"),
    "serious_sexual_offence": ("rape", "raped", "assault by penetration", "sexual assault", "sexually assaulted",
                               "indecent assault", "sexual activity without consent", "sexual offence"),
    "serious_corruption": ("abuse of position", "sexual purpose", "improper emotional relationship",
                           "police systems", "police information", "police databases", "corruption", "corrupt",
                           "bribe", "bribery", "perverting the course of justice"),
    "discrimination": ("racist", "racially", "racial", "homophobic", "transphobic", "religiously aggravated",
                       "discrimination", "discriminatory", "hate crime"),
    "relevant_offence": ("rape", "raped", "assault by penetration", "grievous bodily harm", "GBH",
                         "wounding with intent", "threats to kill", "threat to kill", "fear of violence", "kidnap",
                         "false imprisonment", "attempted murder", "manslaughter"),
}  # fmt: skip

# The time limit for referring: by the end of the day after the day on which it first becomes clear
# to the appropriate authority that the matter must be referred (Police (Complaints and Misconduct)
# Regulations 2020 regs 4 and 7; IOPC statutory guidance, as above).
REFER_BY_END_OF_DAYS_AFTER = 1

# Investigations still open 12 months after the complaint or conduct matter was received, then every
# 6 months, are reported to the local policing body (and the IOPC) with the reasons for the time taken
# and next steps: Police (Complaints and Misconduct) Regulations 2020 reg 13 (complaints and conduct
# matters investigated under Part 2 of the Police Reform Act 2002) and Police (Conduct) Regulations
# 2020 reg 19 (misconduct investigations) (brief, section 6).
FIRST_OPEN_REPORT_MONTHS = 12
REPEAT_OPEN_REPORT_MONTHS = 6
OPEN_REPORT_SOURCE = (
    "Police (Complaints and Misconduct) Regulations 2020, reg 13, and Police (Conduct) Regulations 2020, reg 19"
)

# Recommending investigation by another force (super-complaint recommendation 2): subjects this
# senior or with this long service are likely to be well known in their force. Senior means
# superintendent and above (lib/ranks.py holds the ranks and their order) unless a force configures
# otherwise here, by its slug: a small force where every chief inspector is known to all might set
# RANKS["chief_inspector"]. A misspelt rank key fails at import, not on a case.
SENIOR_FROM: Rank = RANKS["superintendent"]
SENIOR_FROM_BY_FORCE: dict[str, Rank] = {}


def senior_from(force_slug: str) -> Rank:
    """The lowest rank counted as senior in this force."""
    return SENIOR_FROM_BY_FORCE.get(force_slug, SENIOR_FROM)


LONG_SERVICE_YEARS = 20

# The recommendation 1 audit: live cases and those closed in the 12 months before the chosen date,
# each scored against the areas the chief constable's letter must cover (brief, section 5, item 1).
AUDIT_LOOKBACK_MONTHS = 12
AUDIT_CHECKLIST: dict[str, str] = {
    "complaint_or_conduct": "Handled as a police complaint or conduct matter",
    "app_compliance": "Complied with authorised professional practice, or the rationale for departing is recorded",
    "monitoring": "Monitored as a PPDA case",
    "impartial_joined_up": (
        "Criminal and conduct investigations impartial, joined up and by people with the right skills"
    ),
    "victim_engagement": "Effective engagement and communication with the victim",
    "deployment": "An appropriate decision on the deployment of the officer under investigation",
    "embedding": "Findings embedded into working practice",
}
