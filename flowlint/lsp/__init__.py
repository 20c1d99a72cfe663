"""flowlint's language server (``flowlint lsp``): findings, quick fixes, hover and completion in editors.

Needs the optional ``[lsp]`` extra (pygls). Only :mod:`flowlint.lsp.server` and
:mod:`flowlint.lsp.transport` import it; the other modules of the package hold the editor-independent
logic and import flowlint and lsprotocol only.
"""
