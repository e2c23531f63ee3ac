"""`heavylegs serve`: a local web dashboard over the workspace (docs/web.md).

Thin by design: routes call :class:`heavylegs.api.Workspace` (or read the stored answer)
and render Jinja2 templates, as cli.py prints; no engine logic lives here."""
