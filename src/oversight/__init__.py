"""Oversight: inspection recommendations and PPDA case oversight for police governance bodies."""
