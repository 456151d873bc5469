"""A whole England and Wales, synthetic and reproducible from a seed: `oversight generate`.

Workforces, registers, PPDA cases, protective measures, a national return and the people who use
them, written in bulk but valid as the product's rules see them (see the README, "National-scale
data"). Nothing imports this app.
"""
