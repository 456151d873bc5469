"""Policy numbers for PPDA cases, in one place with their sources."""

from oversight.lib.ranks import RANKS, Rank

# Each restriction on a case is reviewed yearly (issue 3, "Cases and locking").
RESTRICTION_REVIEW_MONTHS = 12

# Break-glass access lasts a working shift, then must be opened again with a fresh reason.
BREAK_GLASS_HOURS = 8

# Mandatory referral to the IOPC: Police Reform Act 2002 Sch 3; Police (Complaints and Misconduct)
# Regulations 2020 regs 4 and 7 (brief, section 6). Keys are stored; wording may be revised.
REFERRAL_CRITERIA: dict[str, str] = {
    "death_or_serious_injury": "Conduct that resulted in death or serious injury",
    "serious_assault": "A serious assault",
    "serious_sexual_offence": "A serious sexual offence",
    "serious_corruption": (
        "Serious corruption, including abuse of position for a sexual purpose or for an improper emotional relationship"
    ),
    "discrimination": "An offence or behaviour aggravated by discriminatory behaviour",
    "relevant_offence": (
        "A relevant offence: one for which an adult with no previous convictions could be sentenced to 7 years or more"
    ),
    "same_incident": "Arises from the same incident as one of the above",
    "iopc_required": "The IOPC has required the matter to be referred",
}

# Investigations still open after 12 months, then every 6 months, are reported to the governing
# body and the IOPC with reasons and next steps (brief, section 6).
FIRST_OPEN_REPORT_MONTHS = 12
REPEAT_OPEN_REPORT_MONTHS = 6

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
