"""The task queue's job rows stay out of the admin site, which shows people and organisations only
(tests/test_administration.py): a failed reading is shown to the person on the document's page."""

from django.contrib import admin
from django_tasks_db.models import DBTaskResult

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
