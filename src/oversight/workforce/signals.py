"""What the register tells other apps: `register_changed` is sent inside the transaction of every
write to a force's register (import, generation), so a receiver's own writes commit or roll back
with it. The cases app keeps its standing exclusions current this way (workforce must not import it).
"""

from django.dispatch import Signal

register_changed = Signal()  # sender: the writing module's name; keyword argument: force
