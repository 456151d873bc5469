"""Placeholder: filled in by the responses work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
