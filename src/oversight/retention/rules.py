"""How long each kind of record is kept, counted from when, and why: data, with its source.

Where a period is the organisation's own choice rather than a rule of law, it says so; the
defaults are set from the environment (settings.py) so that each controller records its own
schedule. UK GDPR Art. 5(1)(e) (storage limitation) requires a period, not a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from oversight.workforce.rules import connection_years


class RecordType(models.TextChoices):
    CLOSED_CASE = "closed_case", "Closed PPDA case"
    SIGN_IN = "sign_in", "Sign-in attempt"
    ENDED_MEASURE = "ended_measure", "Protective measure, ended"
    READ_NOTIFICATION = "read_notification", "Notification, read"
    LEAVER = "leaver", "Workforce register entry of someone who left the force"
    SOURCE_DOCUMENT = "source_document", "Document read in, with its reading"
    REGISTER_ITEM = "register_item", "Register item, with its tracking and responses"
    NATIONAL_RETURN = "national_return", "National return, with its answers"
    CODING = "coding", "Coding of returns' answers"


class Disposal(models.TextChoices):
    DELETED = "deleted", "Deleted once past its period"
    KEPT = "kept", "Kept, not deleted; the decision to keep it is reviewed at the end of each period"


@dataclass(frozen=True)
class RetentionRule:
    record_type: RecordType
    months: int
    counted_from: str
    reason: str
    source: str
    organisational_choice: bool
    disposal: Disposal = Disposal.DELETED

    @property
    def kept(self) -> bool:
        return self.disposal == Disposal.KEPT


def _closed_case() -> RetentionRule:
    years = settings.RETENTION_CLOSED_CASE_YEARS
    return RetentionRule(
        record_type=RecordType.CLOSED_CASE,
        months=years * 12,
        counted_from="the day the case was closed",
        reason=(
            "A closed case is kept while a complaint, appeal, civil claim or a later allegation against the same "
            "officer may need it, then reviewed and deleted."
        ),
        source=(
            f"{years} years: an organisational choice, not a figure from law or guidance. The College of Policing's "
            "Authorised Professional Practice on information management (Retention, review and disposal) asks that "
            "police information be reviewed for a continuing policing purpose and disposed of when it has none; no "
            "statute fixes a period for professional standards records. Set RETENTION_CLOSED_CASE_YEARS to the "
            "force's own schedule."
        ),
        organisational_choice=True,
    )


def _sign_in() -> RetentionRule:
    months = settings.RETENTION_SIGN_IN_MONTHS
    return RetentionRule(
        record_type=RecordType.SIGN_IN,
        months=months,
        counted_from="the attempt",
        reason="Sign-in attempts show who tried to reach the system, and when; after a year they serve no purpose.",
        source=(
            f"{months} months: an organisational choice under UK GDPR Art. 5(1)(e) (storage limitation); no statute "
            "fixes it. Set RETENTION_SIGN_IN_MONTHS."
        ),
        organisational_choice=True,
    )


def _ended_measure() -> RetentionRule:
    years = settings.RETENTION_ENDED_MEASURE_YEARS
    return RetentionRule(
        record_type=RecordType.ENDED_MEASURE,
        months=years * 12,
        counted_from="the day the measure ended",
        reason=(
            "An ended order, notice or bail condition, with its breaches and what the victim was told, is kept "
            "while a later application, a breach prosecution, a complaint or a domestic homicide review may need "
            "the history, then reviewed and deleted."
        ),
        source=(
            f"{years} years: an organisational choice. The College of Policing's Authorised Professional Practice on "
            "information management (Retention, review and disposal) sets review periods by the seriousness of the "
            "matter rather than one figure for orders; six years follows the Limitation Act 1980 period for most civil "
            "claims (ss. 2 and 5). Set RETENTION_ENDED_MEASURE_YEARS to the force's own schedule."
        ),
        organisational_choice=True,
    )


def _read_notification() -> RetentionRule:
    months = settings.RETENTION_READ_NOTIFICATION_MONTHS
    return RetentionRule(
        record_type=RecordType.READ_NOTIFICATION,
        months=months,
        counted_from="the day it was read",
        reason=(
            "A notification only points at a record (the record keeps its own history); once read it serves no "
            "purpose, so a daily job deletes it without anyone asking."
        ),
        source=(
            f"{months} months: an organisational choice under UK GDPR Art. 5(1)(e) (storage limitation). Set "
            "RETENTION_READ_NOTIFICATION_MONTHS."
        ),
        organisational_choice=True,
    )


def _leaver() -> RetentionRule:
    # Never shorter than the connection window: a chain or unit shared with the leaver may still
    # connect two serving people (workforce/rules.py), and erasing the entry would break that lock.
    years = max(settings.RETENTION_LEAVER_YEARS, connection_years())
    return RetentionRule(
        record_type=RecordType.LEAVER,
        months=years * 12,
        counted_from="the last day of their last posting (the register shows leaving as no posting open)",
        reason=(
            "The entry of an officer or member of staff who left, with their postings, line management and "
            "declared associations, is kept while a case opened after they left may need to know who they served "
            "with, then reviewed and deleted. It is never deleted while a case, an exclusion from one or a "
            "protective measure still held names them, nor while their login is active or on a case team: that "
            "record's own period governs."
        ),
        source=(
            f"{years} years: an organisational choice, and never shorter than the connection window "
            "(WORKFORCE_CONNECTION_YEARS), so that erasing a leaver cannot lift a connection the lock still counts. "
            "Six years follows the Limitation Act 1980 period for most civil claims (ss. 2 and 5); the College of "
            "Policing's Authorised Professional Practice on information management asks for review and disposal, "
            "not a figure. Set RETENTION_LEAVER_YEARS."
        ),
        organisational_choice=True,
    )


def _source_document() -> RetentionRule:
    years = settings.RETENTION_SOURCE_DOCUMENT_YEARS
    return RetentionRule(
        record_type=RecordType.SOURCE_DOCUMENT,
        months=years * 12,
        counted_from="the day its reading was confirmed (or finished, if never confirmed)",
        reason=(
            "An uploaded document and its reading are a working copy: what was confirmed from it is in the register "
            "itself, which keeps the text of each item; the published original stays with its publisher. The "
            "stored file, its clean text and its proposals are deleted; items confirmed from it stay, without the "
            "link back to the passage."
        ),
        source=(
            f"{years} years: an organisational choice under UK GDPR Art. 5(1)(e) (storage limitation), long enough "
            "for a question about how an item was read in to be answered. Set RETENTION_SOURCE_DOCUMENT_YEARS."
        ),
        organisational_choice=True,
    )


def _kept(record_type: RecordType, counted_from: str, reason: str, authority: str) -> RetentionRule:
    years = settings.RETENTION_KEPT_REVIEW_YEARS
    return RetentionRule(
        record_type=record_type,
        months=years * 12,
        counted_from=counted_from,
        reason=reason,
        source=(
            f"{authority} Kept: the review every {years} years is an organisational choice; set "
            "RETENTION_KEPT_REVIEW_YEARS."
        ),
        organisational_choice=True,
        disposal=Disposal.KEPT,
    )


def _register_item() -> RetentionRule:
    return _kept(
        RecordType.REGISTER_ITEM,
        "its report's publication",
        "Inspection recommendations, areas for improvement and causes of concern, and the force's and governing "
        "body's published responses, are public records of how a force was held to account; their tracking "
        "history is what an inspection later checks.",
        "The inspectorate's reports and the governing body's 56-day responses are published (Police Act 1996 "
        "s.55, and s.55(5A) for the responses); they hold no personal data beyond office-holders' names.",
    )


def _national_return() -> RetentionRule:
    return _kept(
        RecordType.NATIONAL_RETURN,
        "the return's submission",
        "A national return is an organisation's answer to a national question, the series that later returns "
        "are compared against; it is about the organisation, not about people.",
        "An organisational record, not personal data (UK GDPR Art. 4(1)); the requesting body publishes or "
        "relies on the series.",
    )


def _coding() -> RetentionRule:
    return _kept(
        RecordType.CODING,
        "the coding's agreement",
        "Codings of returns' answers, and their agreement, are the evidence behind the national analysis; "
        "deleting them would leave published findings without their working.",
        "Kept with the returns they code, for as long as the analysis built on them stands.",
    )


def rules() -> tuple[RetentionRule, ...]:
    return (
        _closed_case(),
        _ended_measure(),
        _leaver(),
        _source_document(),
        _sign_in(),
        _read_notification(),
        _register_item(),
        _national_return(),
        _coding(),
    )


def rule_for(record_type: RecordType) -> RetentionRule:
    return next(rule for rule in rules() if rule.record_type == record_type)
