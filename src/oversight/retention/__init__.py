"""Data protection: retention periods per record type, the review list, erasure and subject access."""
