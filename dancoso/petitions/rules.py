"""Who may do what with reception and petitions, in which units (see docs/roles.md)."""

from dancoso.accounts.roles import ADMINS, COMMUNE_STAFF, Role
from dancoso.accounts.rules import register_permission

HANDLERS = (*COMMUNE_STAFF, Role.PROVINCE_OFFICER, Role.WORKPLACE_OFFICER, *ADMINS)

register_permission(
    "petitions.view_petition",
    "See petitions (identities of confidential petitioners stay redacted)",
    *HANDLERS,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
)
register_permission(
    "petitions.handle_petition",
    "Receive, classify, accept, transfer, resolve and close petitions",
    *HANDLERS,
)
register_permission(
    "petitions.export_petition",
    "Export the petitions inbox to .xlsx",
    *COMMUNE_STAFF,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
# Luật Tố cáo 2018 Art. 9.1.b, 47.2, 56: only the person resolving may know a denouncer.
register_permission(
    "petitions.reveal_identity",
    "Reveal a confidential petitioner's identity (with a reason, written to the ledger)",
    Role.COMMUNE_LEADER,
    Role.PROVINCE_OFFICER,
)
register_permission(
    "petitions.view_reception",
    "See reception sessions and the reception book",
    *HANDLERS,
    Role.FRONT_OFFICER,
    Role.INSPECTION_BOARD_MEMBER,
)
register_permission(
    "petitions.manage_reception",
    "Keep the reception schedule, sessions and book; answer visitors",
    *HANDLERS,
)
register_permission(
    "petitions.import_reception", "Import a legacy reception book from .xlsx", *COMMUNE_STAFF, *ADMINS
)
register_permission(
    "petitions.export_reception",
    "Export the reception book to .xlsx",
    *COMMUNE_STAFF,
    Role.PROVINCE_OFFICER,
    *ADMINS,
)
register_permission("petitions.manage_open311_key", "Issue and revoke Open311 API keys", *ADMINS)
