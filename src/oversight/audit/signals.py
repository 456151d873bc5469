"""Sent after every alert and every refusal alike (models.raise_alert, models.record_refusal).

Listeners (the notifications app) must do the same work for both, so that whether an attempt
raised an alert never shows in the time the request takes.
"""

from django.dispatch import Signal

attempt_recorded = Signal()
