"""``flowlint lsp``: the language server, over stdio, built on pygls.

Findings are published on open and save at once, and on change after a pause (``debounceMs`` in the
client's ``initializationOptions``, 150 ms by default, 0 to lint on every change); a change that comes
during the pause restarts it, so only the latest text is linted. Linting runs in-process with one cached
Linter per config. Config and manifest files are checked before every lint and every
``reloadIntervalSeconds`` (2 s by default, 0 never) and on ``workspace/didChangeWatchedFiles``: when one
changed, it is reloaded and every open document linted again.

Go to definition, find references, flow id and subflow input completion and the FL7xx findings read the
project index (:mod:`flowlint.lsp.flows`): files reported by ``workspace/didChangeWatchedFiles`` are read
again (other clients: each file's ``stat`` compared before a question and every config check); open
documents count with their editor text. A document is linted with its FL7xx findings as ``flowlint check``
lints it (suppressions, ``perFileIgnores``, FL900 apply); when the index changes, the other open documents
of the project whose FL7xx findings changed are linted and published again.

Messages are read by :mod:`flowlint.lsp.transport`, which answers what pygls' reader would lose; every
request is answered, a failure with one line (its traceback goes to the log, stderr), and requests about
a document the client has not opened are answered with null.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcServerNotInitialized
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from flowlint import __version__
from flowlint.files import YAML_SUFFIXES
from flowlint.lsp.actions import FIX_ALL, code_actions
from flowlint.lsp.completion import completion
from flowlint.lsp.documents import elsewhere, fs_path, is_yaml, lintable, number, project_findings_of
from flowlint.lsp.findings import Snapshot, error_diagnostic, looks_like_flow, lsp_diagnostic, shown
from flowlint.lsp.flow_completion import flow_completion
from flowlint.lsp.flows import ProjectFlows
from flowlint.lsp.hover import hover
from flowlint.lsp.navigation import definition, references
from flowlint.lsp.positions import LineIndex
from flowlint.lsp.projects import Project, Projects
from flowlint.lsp.transport import serve as serve_messages
from flowlint.rules.repository import project_rules_on

DEFAULT_DEBOUNCE_MS = 150
DEFAULT_RELOAD_SECONDS = 2.0
WATCHED = ("**/.flowlint.yaml", "**/.flowlint.yml", "**/pyproject.toml")
WATCHED_FLOWS = ("**/*.yml", "**/*.yaml")
CONFIG_NAMES = frozenset({".flowlint.yaml", ".flowlint.yml", "pyproject.toml"})

logger = logging.getLogger("flowlint.lsp")


class FlowlintServer(LanguageServer):
    """flowlint's language server: state and handlers."""

    def __init__(self) -> None:
        super().__init__("flowlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = DEFAULT_DEBOUNCE_MS / 1000
        self.reload_interval = DEFAULT_RELOAD_SECONDS
        self.projects = Projects()
        self.flows: dict[tuple[Path | None, Path], ProjectFlows] = {}
        """The project index of each project a document was linted (FL7xx on) or navigated in."""
        self.watching = False
        """Whether the client reports flow files changed on disk."""
        self.snapshots: dict[str, Snapshot] = {}
        self.linted: set[str] = set()
        """The open documents the server publishes findings for."""
        self.root = Path.cwd()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._poller: asyncio.Task[None] | None = None
        self._initialized = False
        self._register()

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over stdin and stdout until the input ends or the client says ``exit``.

        As pygls' own ``start_io``, but reading through :mod:`flowlint.lsp.transport`, which survives
        and answers the messages pygls' reader loses the stream or the process on.
        """
        writer = StdoutWriter(stdout or sys.stdout.buffer)
        self.protocol.set_writer(writer)
        try:
            asyncio.run(serve_messages(stdin or sys.stdin.buffer, self.protocol, writer, self.thread_pool))
        except BrokenPipeError:
            logger.error("the connection to the client is lost")
        except SystemExit:  # pygls' answer to ``exit``
            pass
        finally:
            self.thread_pool.shutdown()

    def _register(self) -> None:
        def feature(name: str, options: Any = None) -> Callable[[Callable[[Any], Any]], None]:
            # pygls marks what it registers: a bound method cannot be marked, a plain function can
            def register(method: Callable[[Any], Any]) -> None:
                def handler(params: Any) -> Any:
                    if not self._initialized and name != types.INITIALIZE:
                        raise JsonRpcServerNotInitialized()
                    try:
                        return method(params)
                    except JsonRpcException:
                        raise
                    except Exception as error:  # logged with its traceback; the client gets one line
                        logger.exception("%s failed", name)
                        raise JsonRpcInternalError(f"{name} failed: {type(error).__name__}: {error}") from None

                self.feature(name, options)(handler)

            return register

        feature(types.INITIALIZE)(self.on_initialize)
        feature(types.INITIALIZED)(self.on_initialized)
        feature(types.SHUTDOWN)(self.on_shutdown)
        feature(types.TEXT_DOCUMENT_DID_OPEN)(self.on_open)
        feature(types.TEXT_DOCUMENT_DID_CHANGE)(self.on_change)
        feature(types.TEXT_DOCUMENT_DID_SAVE)(self.on_save)
        feature(types.TEXT_DOCUMENT_DID_CLOSE)(self.on_close)
        feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)(self.on_watched_files)
        feature(
            types.TEXT_DOCUMENT_CODE_ACTION,
            types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
        )(self.on_code_action)
        feature(types.TEXT_DOCUMENT_HOVER)(self.on_hover)
        feature(types.TEXT_DOCUMENT_DEFINITION)(self.on_definition)
        feature(types.TEXT_DOCUMENT_REFERENCES)(self.on_references)
        feature(
            types.TEXT_DOCUMENT_COMPLETION,
            types.CompletionOptions(trigger_characters=[".", '"', "'", " "]),
        )(self.on_completion)

    # --- lifecycle ------------------------------------------------------------------------------

    def on_initialize(self, params: types.InitializeParams) -> None:
        """Read ``initializationOptions`` (``debounceMs``, ``reloadIntervalSeconds``) and the root."""
        options = params.initialization_options
        if isinstance(options, dict):
            self.debounce = number(options.get("debounceMs"), DEFAULT_DEBOUNCE_MS) / 1000
            self.reload_interval = number(options.get("reloadIntervalSeconds"), DEFAULT_RELOAD_SECONDS)
        root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
        path = to_fs_path(root) if root else params.root_path
        if path:
            self.root = Path(path)
        self._initialized = True

    def on_initialized(self, params: types.InitializedParams) -> None:
        """Start watching config and manifest files."""
        if self.reload_interval > 0:
            self._poller = asyncio.get_running_loop().create_task(self._poll())
        capabilities = self.client_capabilities.workspace
        watched = capabilities.did_change_watched_files if capabilities else None
        if watched is not None and watched.dynamic_registration:
            self.watching = True
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in (*WATCHED, *WATCHED_FLOWS)]
            )
            registration = types.Registration("flowlint-config", types.WORKSPACE_DID_CHANGE_WATCHED_FILES, options)
            self.client_register_capability(types.RegistrationParams([registration]))

    def on_shutdown(self, params: None) -> None:
        """Stop timers and the poller."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._poller is not None:
            self._poller.cancel()

    # --- documents ------------------------------------------------------------------------------

    def on_open(self, params: types.DidOpenTextDocumentParams) -> None:
        """Lint at once."""
        self.lint(params.text_document.uri)

    def on_change(self, params: types.DidChangeTextDocumentParams) -> None:
        """Lint after the pause (restarted by every change), or at once without one."""
        uri = params.text_document.uri
        if self.debounce <= 0:
            self.lint(uri)
            return
        self._cancel(uri)
        self._timers[uri] = asyncio.get_running_loop().call_later(self.debounce, self._lint_later, uri)

    def on_save(self, params: types.DidSaveTextDocumentParams) -> None:
        """Lint at once."""
        self.lint(params.text_document.uri)

    def on_close(self, params: types.DidCloseTextDocumentParams) -> None:
        """Forget the document and clear its findings."""
        uri = params.text_document.uri
        self._cancel(uri)
        closed = self.snapshots.pop(uri, None)
        if uri in self.linted:
            self.linted.discard(uri)
            self._publish(uri, [], None)
        for flows in [f for f in self.flows.values() if closed and f.project.linter is closed.linter]:
            self._judge_again(flows)  # the file on disk counts now, not the editor's text

    def on_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        """A config (or a watched manifest) changed: reload and lint every open document again. Flow files
        changed: the project indexes read them again."""
        paths = [fs_path(change.uri) for change in params.changes]
        if any(path is None or self._is_config(path) for path in paths):
            self.projects.clear()
            self.flows.clear()
            self.relint_all()
            return
        for flows in list(self.flows.values()):
            flows.changed(path for path in paths if path is not None)
            self._judge_again(flows)

    def _is_config(self, path: Path) -> bool:
        """Whether a change to ``path`` reloads the settings: a config, a file a project was read from,
        anything but a YAML file."""
        if path.name in CONFIG_NAMES or not path.name.lower().endswith(YAML_SUFFIXES):
            return True
        return any(project.owns(path) for project in self.projects.projects)

    # --- requests -------------------------------------------------------------------------------

    def on_code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        """Quick fixes for the findings that have a fix."""
        snapshot = self.fresh(params.text_document.uri)
        return code_actions(snapshot, params) if snapshot is not None else None

    def on_hover(self, params: types.HoverParams) -> types.Hover | None:
        """The plugin and version of a ``type`` or ``version``, and why; what a property key is."""
        snapshot = self.fresh(params.text_document.uri)
        return hover(snapshot, params.position) if snapshot is not None else None

    def on_definition(self, params: types.DefinitionParams) -> list[types.Location] | None:
        """From ``outputs.X`` to task X, from ``inputs.x`` to the input, from a ``flowId`` to the flow."""
        snapshot = self.fresh(params.text_document.uri)
        if snapshot is None:
            return None
        return definition(snapshot, params.position, self.project_flows(params.text_document.uri)) or None

    def on_references(self, params: types.ReferenceParams) -> list[types.Location] | None:
        """The reads of a task or input; the callers and listeners of the flow whose ``id`` (or a ``flowId``
        naming it) is at the position."""
        snapshot = self.fresh(params.text_document.uri)
        if snapshot is None:
            return None
        flows = self.project_flows(params.text_document.uri)
        declaration = params.context.include_declaration
        return references(snapshot, params.position, flows, declaration=declaration) or None

    def on_completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        """Versions and keywords on ``version:``, type names on ``type:``, property keys, enum constants;
        flow ids on ``flowId:``, the target's inputs under a Subflow's ``inputs:``."""
        snapshot = self.fresh(params.text_document.uri)
        if snapshot is None or not (snapshot.result.flows or looks_like_flow(snapshot.text)):
            return None
        linter = snapshot.linter
        flows = self.project_flows(params.text_document.uri)
        found = flow_completion(snapshot.text, snapshot.index, params.position, flows, linter.slots) if flows else None
        if found is not None:
            return found
        return completion(
            snapshot.text, snapshot.index, params.position, linter.manifest, linter.settings, snapshot.display
        )

    # --- linting --------------------------------------------------------------------------------

    def lint(self, uri: str, *, others: bool = True) -> Snapshot | None:
        """Lint the document's text and publish its findings; ``others``: judge the project's other documents again."""
        self._cancel(uri)
        document = self._open(uri)
        if document is None or not is_yaml(document):
            return None
        self.linted.add(uri)
        path = fs_path(uri)
        project = self.projects.for_folder(path.parent if path else self.root, self._root_for(path))
        text = lintable(document.source)
        linter = project.linter
        if linter is None or (path is not None and (project.excluded(path) or project.owns(path))):
            self.snapshots.pop(uri, None)
            problems = [error_diagnostic(project.error)] if project.error and looks_like_flow(text) else []
            self._publish(uri, problems, document.version)
            return None
        display = str(path) if path is not None else uri
        flows = self._project_flows(project) if path is not None and project_rules_on(linter.enabled) else None
        try:
            found = tuple(project_findings_of(flows, display)) if flows is not None else ()
            result = linter.lint_text(text, display, found)
        except Exception as error:  # a bug in a rule must not take the editor's server down
            logger.exception("linting %s failed", uri)
            self._publish(uri, [error_diagnostic(f"internal error: {type(error).__name__}: {error}")], None)
            return None
        index = LineIndex(text, str(self.workspace.position_encoding or "utf-16"))
        snapshot = Snapshot(uri, display, text, document.version, index, result, linter, found)
        self.snapshots[uri] = snapshot
        diagnostics = [lsp_diagnostic(d, index, uri, elsewhere(flows, index.encoding)) for d in shown(result, text)]
        self._publish(uri, diagnostics, document.version)
        if others and flows is not None:
            self._judge_again(flows, uri)
        return snapshot

    def _judge_again(self, flows: ProjectFlows, skip: str | None = None) -> None:
        """Lint again the open documents of the project (but ``skip``, and those about to be linted) whose
        FL7xx findings on the index now differ from those they were linted with."""
        linter = flows.project.linter
        mine = [s for u, s in self.snapshots.items() if s.linter is linter and u != skip and u not in self._timers]
        index = flows.index() if mine else None
        for snapshot in mine:
            if tuple(project_findings_of(flows, snapshot.display, index)) != snapshot.project:
                self.lint(snapshot.uri, others=False)

    def project_flows(self, uri: str) -> ProjectFlows | None:
        """The project index of the document's project (None: its settings do not load)."""
        path = fs_path(uri)
        project = self.projects.for_folder(path.parent if path else self.root, self._root_for(path))
        return self._project_flows(project) if project.linter is not None else None

    def _project_flows(self, project: Project) -> ProjectFlows:
        """The project index of ``project`` (whose settings loaded)."""
        key = (project.config, project.root)
        flows = self.flows.get(key)
        if flows is None or flows.project is not project:
            flows = self.flows[key] = ProjectFlows(project, self._open_texts, watched=self.watching)
        return flows

    def _open_texts(self) -> dict[Path, str]:
        """The text of every open YAML document that is a file."""
        texts = {}
        for uri, document in self.workspace.text_documents.items():
            path = fs_path(uri)
            if path is not None and is_yaml(document):
                texts[path] = lintable(document.source)
        return texts

    def fresh(self, uri: str) -> Snapshot | None:
        """The document linted at its current text (linting now when a change is pending); None when it
        is not open."""
        snapshot = self.snapshots.get(uri)
        document = self._open(uri)
        if document is None:
            return None
        if uri in self._timers or snapshot is None or snapshot.text != lintable(document.source):
            return self.lint(uri)
        return snapshot

    def _open(self, uri: str) -> TextDocument | None:
        """The document, when the client opened it (pygls would read any other from disk)."""
        document: TextDocument | None = self.workspace.text_documents.get(unquote(uri))
        return document

    def relint_all(self) -> None:
        """Lint every open document again."""
        for uri in list(self.linted):
            self.lint(uri)

    def _lint_later(self, uri: str) -> None:
        self._timers.pop(uri, None)
        self.lint(uri)

    def _cancel(self, uri: str) -> None:
        timer = self._timers.pop(uri, None)
        if timer is not None:
            timer.cancel()

    def _publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None) -> None:
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri, diagnostics, version))

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self.reload_interval)
            if self.projects.stale():
                self.relint_all()
                continue
            for flows in [f for f in self.flows.values() if not f.watched]:  # no change reports: stat tells
                self._judge_again(flows)

    def _root_for(self, path: Path | None) -> Path:
        """The folder a document without config is checked from: its workspace folder, else its own."""
        if path is None:
            return self.root
        for folder in self.workspace.folders.values():
            folder_path = fs_path(folder.uri)
            if folder_path is not None and folder_path in path.parents:
                return folder_path
        if self.root in path.parents:
            return self.root
        return path.parent


def serve() -> None:
    """Run the server over stdin and stdout until the client says ``exit``."""
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="flowlint lsp: %(levelname)s %(message)s")
    server = FlowlintServer()
    with contextlib.suppress(KeyboardInterrupt):
        server.start_io()
