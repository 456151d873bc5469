"""The victim's voice on a PPDA case: contact, preferences, support, MARAC and the Victims' Code."""
