"""Coding national returns: themes, coded passages and the engine's suggestions."""
