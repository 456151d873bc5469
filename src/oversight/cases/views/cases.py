"""Placeholder until this area's pages land."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
