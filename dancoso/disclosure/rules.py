"""Who may do what with disclosures, in which units (see docs/roles.md).

Reading what is published for the public needs no permission. Internal items of an agency or an enterprise
(Art. 46, 64) are read by the members of that unit itself: any membership held in the unit, whatever the role
(`Publication.objects.readable_by`); a membership higher up the tree does not open them."""

from dancoso.accounts.roles import ADMINS, COMMUNE_STAFF, Role
from dancoso.accounts.rules import register_permission

PUBLISHERS = (*COMMUNE_STAFF, Role.WORKPLACE_OFFICER, *ADMINS)

register_permission(
    "disclosure.view_publication",
    "See a unit's disclosures as staff: drafts, postings, proofs, plans",
    *PUBLISHERS,
    Role.PROVINCE_OFFICER,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
    Role.UNION_REPRESENTATIVE,
)
register_permission(
    "disclosure.publish",
    "Publish, revise and withdraw disclosures; add postings to notice boards and other channels",
    *PUBLISHERS,
)
register_permission(
    "disclosure.confirm_posting",
    "Confirm that a notice was posted (with a photo) or taken down",
    *PUBLISHERS,
)
register_permission("disclosure.manage_plan", "Draft the yearly disclosure plan", *PUBLISHERS)
register_permission(
    "disclosure.approve_plan",
    "Approve the yearly disclosure plan",
    Role.COMMUNE_LEADER,
    Role.WORKPLACE_OFFICER,
    *ADMINS,
)
register_permission(
    "disclosure.view_compliance",
    "See disclosure compliance (missing, late, too short, outdated) and its roll-up",
    *PUBLISHERS,
    Role.PROVINCE_OFFICER,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
)
register_permission("disclosure.change_rules", "Change disclosure rules and categories", *ADMINS)
