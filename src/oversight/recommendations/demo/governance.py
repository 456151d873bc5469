"""The West Midlands PCC's 56-day responses (s.55 Police Act 1996) and the Joint Audit Committee."""

from __future__ import annotations

import datetime as dt

from auditlog.context import set_actor

from oversight.organisations.models import Organisation

from .. import services
from ..models import Committee, CommitteeMeeting, ForthcomingInspection, GoverningBodyResponse
from .dating import _at, _dated
from .people import WM_PCC, _organisation
from .stories import Cast

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
