from dancoso.accounts.matrix import render_roles_matrix, roles_doc_path
from dancoso.accounts.roles import PERMISSIONS, Role


def test_docs_roles_md_is_up_to_date():
    assert roles_doc_path().read_text(encoding="utf-8") == render_roles_matrix(), (
        "docs/roles.md is out of date: run `python manage.py roles_matrix --write`"
    )


def test_matrix_has_a_row_per_permission_and_a_column_per_role():
    text = render_roles_matrix()
    header = next(line for line in text.splitlines() if line.startswith("| permission |"))
    assert header.count("|") == len(Role) + 2
    for permission in PERMISSIONS:
        assert f"| `{permission}` |" in text
