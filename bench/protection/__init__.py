"""The protection dashboard benchmark (`python -m bench.protection`): national-scale measures and
breaches, each dashboard aggregate timed beside the same aggregate as one hand-written SQL query."""
