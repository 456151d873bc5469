"""Words that mean the same thing in policing and governance returns, grouped under one concept.

A passage that says "re-vetted" or "clearance" and a theme described as "vetting" share no word,
yet an analyst sees the match at once. Each group below becomes one extra feature ("concept")
that both sides carry, so such passages meet. Terms are matched after stemming, so one form of a
word stands for all of them; phrases match as consecutive words. Keep groups narrow: a group
that takes in common words ("police", "force") joins passages that have nothing in common.
"""

from __future__ import annotations

CONCEPTS: dict[str, tuple[str, ...]] = {
    "vetting": (
        "vetting", "vetted", "revetting", "re-vetting", "clearance", "aftercare", "counter-corruption",
        "anti-corruption", "corruption", "integrity", "background check", "barred list", "advisory list",
    ),
    "misconduct": (
        "misconduct", "disciplinary", "discipline", "gross misconduct", "dismissal", "dismissed", "sanction",
        "professional standards", "psd", "conduct", "hearing", "suspension", "suspended", "restricted duties",
    ),
    "complaint": ("complaint", "complaints", "iopc", "referral", "referred", "independent office", "appeal"),
    "training": (
        "training", "trained", "cpd", "learning", "e-learning", "course", "workshop", "briefing", "awareness",
        "module", "upskill", "masterclass", "seminar", "college of policing", "continuous professional development",
        "induction", "toolkit", "lesson",
    ),
    "victim": ("victim", "survivor", "complainant", "survivors", "person harmed", "those affected", "lived experience"),
    "support": (
        "idva", "isva", "advocate", "advocacy", "helpline", "refuge", "counselling", "outreach", "support service",
        "specialist service", "provider", "caseworker", "wellbeing", "therapeutic", "safeguard", "safe accommodation",
    ),
    "funding": (
        "funding", "funded", "fund", "commissioned", "commission", "grant", "budget", "investment", "invest",
        "allocated", "allocation", "money", "finance", "precept", "contract", "procure", "procurement", "uplift",
        "resources", "resourcing", "posts", "staffing", "capacity", "recruit", "recruitment", "additional officers",
    ),
    "governance": (
        "governance", "scrutiny", "scrutinise", "scrutinize", "accountability", "hold to account", "held to account",
        "board", "panel", "oversight", "assurance", "challenge", "accountable", "chair", "chaired",
        "police and crime panel", "audit committee", "performance meeting", "assure",
    ),
    "partnership": (
        "partner", "partnership", "multi-agency", "local authority", "council", "health", "nhs", "probation",
        "charity", "voluntary sector", "third sector", "collaboration", "collaborate", "jointly", "joint",
        "stakeholder", "community safety", "marac", "together with", "alongside",
    ),
    "data": (
        "data", "performance", "monitor", "monitoring", "dashboard", "metric", "indicator", "figures", "statistics",
        "measure", "trend", "analysis", "analyse", "analytical", "dip sample", "audit", "quarterly", "outcome rate",
        "tracked", "tracking", "insight", "evaluation", "evaluate", "report back",
    ),
    "policy": (
        "policy", "procedure", "guidance", "protocol", "process", "standard operating procedure", "sop", "framework",
        "revised", "rewritten", "updated", "amended", "refresh", "policies", "practice direction", "guidelines",
    ),
    "abuse": (
        "domestic abuse", "domestic violence", "vawg", "violence against women", "coercive control", "stalking",
        "ppda", "police perpetrated", "sexual violence", "rape",
    ),
    "custody": ("custody", "detainee", "detained", "cell", "custody suite", "pace", "detention", "arrest"),
    "culture": ("culture", "misogyny", "sexism", "inclusion", "behaviour", "values", "standards", "ethics", "speak up"),
}  # fmt: skip
