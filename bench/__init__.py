"""Benchmarks of the workforce connection queries at national scale (`python -m bench`); not tests."""
