"""Placeholder: filled in by the tracking work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
