"""The theme-suggestion benchmark (`python -m bench.themes`): labelled passages, a baseline, the engine."""
