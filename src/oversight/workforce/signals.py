"""What the register tells other apps: `register_changed` is sent inside the transaction of every
write to a force's register (import, generation), so a receiver's own writes commit or roll back
with it. The cases app keeps its standing exclusions current this way (workforce must not import it).
"""

from django.dispatch import Signal

register_changed = Signal()  # sender: the writing module's name; keyword argument: force

# Sent inside the write's transaction before anything is written (keyword argument: force). A receiver
# may return a callable; the importer calls it after writing, still inside the transaction, and it
# returns the holds: (reason, case id) pairs for connections the write removed that must be approved
# first. Any hold rolls the write back and the file waits for approval (cases/holds.py).
register_changing = Signal()

Hold = tuple[str, int]
