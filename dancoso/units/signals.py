"""Signals of the units app, for apps that depend on units and must react to a unit's change (units imports
none of them)."""

from django.dispatch import Signal

# Sent by services.update_unit after the change is saved, inside its transaction:
# sender=Unit, unit=<the unit>, changed=<frozenset of the field names whose value changed>, actor=<user or None>.
unit_updated = Signal()
