"""The report writer's renderers: .docx from a template (`docx`), .pdf through LibreOffice (`pdf`), the .xlsx
annex of tables (`xlsx`). `dancoso.reports.document` is the public entry point."""
