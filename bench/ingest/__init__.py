"""The document reading benchmark: real public documents, hand-made labels, and the scoring harness."""
