"""`oversight audit verify [--head SEQ:HASH]` and `oversight audit head`: the tamper-evident trail.

`verify` walks the chain and exits 0 when it is whole, 1 naming the first broken row and why (2 for
a malformed argument); each run is kept for the administrators' page. `head` prints the last
entry's sequence number, hash and time, to be recorded outside the system.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from oversight.audit import verify
from oversight.audit.chain import head

HEAD = re.compile(r"^(\d{1,19}):([0-9a-f]{64})$")


def _expected_head(value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    if not (match := HEAD.match(value.strip().lower())):
        raise CommandError("--head must be SEQ:HASH as `oversight audit head` prints it", returncode=2)
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = "The tamper-evident audit trail: `verify` walks the chain; `head` prints its last entry."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        check = actions.add_parser("verify", help="Walk the chain; exit 1 naming the first broken row")
        check.add_argument("--head", default=None, help="A head recorded earlier, SEQ:HASH, that must still be there")
        actions.add_parser("head", help="Print the head of the chain: sequence, hash and time")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            self._head()
        else:
            self._verify(_expected_head(options["head"]))

    def _head(self) -> None:
        last = head()
        if last is None:
            self.stdout.write("The trail is empty.")
            return
        self.stdout.write(f"{last.seq}:{last.hash} at {last.at.isoformat(timespec='seconds')}")

    def _verify(self, expected: tuple[int, str] | None) -> None:
        outcome = verify.verify_trail(expected)
        verify.record(outcome)
        if outcome.broken is not None:
            raise CommandError(f"The trail is broken at {outcome.broken}.", returncode=1)
        whole = f"{outcome.entries} entries, head {outcome.head_seq}:{outcome.head_hash}"
        self.stdout.write(f"The trail is whole: {whole}.")
