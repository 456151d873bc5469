"""PPDA case models: the case and its lock (core), decisions, and audits."""

from .audits import AuditStatus, CaseAudit, CaseAuditEntry, DipSample, DipSampleEntry, Score
from .core import (
    INDEPENDENT_ROLES,
    Allegation,
    Arrival,
    BreakGlass,
    Case,
    CaseQuerySet,
    CaseStatus,
    ConductStatus,
    CriminalStatus,
    RestrictionReview,
    Subject,
    TeamMember,
    TeamRole,
    Victim,
    restriction_review_due,
)
from .decisions import (
    ConductAssessment,
    ConductOutcome,
    Deployment,
    DeploymentDecision,
    OpenCaseReport,
    Ownership,
    OwnershipDecision,
    RecordedAs,
    RecordingDecision,
    ReferralDecision,
    ReferralOutcome,
)

__all__ = [
    "INDEPENDENT_ROLES", "Allegation", "Arrival", "AuditStatus", "BreakGlass", "Case", "CaseAudit",
    "CaseAuditEntry", "CaseQuerySet", "CaseStatus", "ConductAssessment", "ConductOutcome", "ConductStatus",
    "CriminalStatus", "Deployment", "DeploymentDecision", "DipSample", "DipSampleEntry", "OpenCaseReport",
    "Ownership", "OwnershipDecision", "RecordedAs", "RecordingDecision", "ReferralDecision", "ReferralOutcome",
    "RestrictionReview", "Score", "Subject", "TeamMember", "TeamRole", "Victim", "restriction_review_due",
]  # fmt: skip
