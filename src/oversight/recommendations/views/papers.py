"""Placeholder: filled in by the papers work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
