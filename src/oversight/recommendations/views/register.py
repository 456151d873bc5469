"""Placeholder: filled in by the register work."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
