"""Project rules FL701, FL702, FL703, FL705: what one flow says of the others, judged on the project index.

These findings depend on other files, so they are not made by a per-flow check (whose cached result would
go stale when another file changes): a run works them out from the index after linting every file
(:func:`project_findings`) and hands them to the linter as extra findings of the file, where suppression
comments and ``perFileIgnores`` apply to them as to any rule.

Only literal references are judged (a namespace or ``flowId`` with an expression is not), and only those
to a namespace the project owns (``project: {namespaces: [...]}``, else the namespaces of its flows): a
flow elsewhere may live on the Kestra instance only. A target defined twice (FL703) is not judged further.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flowlint.config import Settings
from flowlint.diagnostics import Diagnostic, Related, Severity, Span
from flowlint.rules.base import Rule

if TYPE_CHECKING:  # the index is built only by runs with a project rule on
    from flowlint.project.entries import Call, FlowEntry, Listen
    from flowlint.project.index import ProjectIndex

PROJECT_CODES = frozenset({"FL701", "FL702", "FL703", "FL705"})
"""The rules that need the project index (a run without any of them on does not build it)."""
FLOW_OUTPUTS_SINCE = (0, 15)
"""Flows declare ``outputs`` (what ``outputs.<subflow task>.outputs`` holds) from Kestra 0.15."""
SHOWN_PLACES = 3
"""FL703's message names this many other definitions (its related locations name them all)."""


class _Report:
    """The findings of one file, with the run's severities and the codes on for the file."""

    def __init__(self, path: str, settings: Settings, enabled: frozenset[str]) -> None:
        self.path = path
        self.settings = settings
        self.enabled = enabled
        self.found: list[Diagnostic] = []

    def __call__(
        self,
        code: str,
        at: Span,
        message: str,
        yaml_path: str,
        help: str | None = None,
        related: Iterable[Related] = (),
        severity: Severity | None = None,
    ) -> None:
        if code not in self.enabled:
            return
        rule = RULES_BY_CODE[code]
        level = self.settings.severity.get(code) or severity or rule.severity
        self.found.append(Diagnostic(code, rule.name, level, message, self.path, at, yaml_path, help, tuple(related)))


def project_rules_on(enabled: frozenset[str]) -> bool:
    """Whether a run with the codes ``enabled`` needs the project index."""
    return bool(enabled & PROJECT_CODES)


def project_findings(index: ProjectIndex, path: str, settings: Settings, enabled: frozenset[str]) -> list[Diagnostic]:
    """The FL7xx findings of the file ``path`` (as findings name it), judged on ``index``; ``enabled``: the
    codes on for this file."""
    if not enabled & PROJECT_CODES:
        return []
    report = _Report(path, settings, enabled)
    for entry in index.in_file(path):
        _duplicates(report, index, entry)
        for call in entry.calls:
            target = _target(report, index, entry, call.namespace, call.flow_id, call.flow_id_span, call, None)
            if target is not None:
                _inputs(report, call, target, entry.namespace)
        for listen in entry.listens:
            _target(report, index, entry, listen.namespace, listen.flow_id, listen.flow_id_span, None, listen)
        if (settings.target.major, settings.target.minor) >= FLOW_OUTPUTS_SINCE:
            _outputs(report, index, entry)
    return report.found


def _duplicates(report: _Report, index: ProjectIndex, entry: FlowEntry) -> None:
    definitions = index.definitions(entry.namespace, entry.id)
    others = [d for d in definitions if (d.path, d.document) != (entry.path, entry.document)]
    if not others:
        return
    where = ", ".join(_place(d, entry.path) for d in others[:SHOWN_PLACES])
    if len(others) > SHOWN_PLACES:
        where += f" and {len(others) - SHOWN_PLACES} more"
    report(
        "FL703",
        entry.id_span,
        f"flow {entry.name} is also defined in {where}: deployed, each replaces the other (the last one wins)",
        "id",
        help="give each flow its own id (or namespace), or delete the copy",
        related=[Related(d.path, d.id_span, f"flow {entry.name} also defined here") for d in others],
    )


def _place(entry: FlowEntry, here: str) -> str:
    line = entry.id_span.line
    return f"this file (line {line})" if entry.path == here else f"{entry.path} (line {line})"


def _target(
    report: _Report,
    index: ProjectIndex,
    entry: FlowEntry,
    namespace: str,
    flow_id: str,
    at: Span,
    call: Call | None,
    listen: Listen | None,
) -> FlowEntry | None:
    """The one flow a call or Flow trigger of ``entry`` names; FL701 when the project owns its namespace and no
    file defines it (did-you-mean never ``entry`` itself); None when it is not judged further (unknown, not
    owned, defined twice)."""
    definitions = index.definitions(namespace, flow_id)
    if len(definitions) == 1:
        return definitions[0]
    if definitions or not index.owns(namespace):
        return None
    close = index.closest(namespace, flow_id, entry.key)
    known = index.flow(*close) if close is not None else None
    help_text = f"did you mean {close[0]}.{close[1]}?" if close is not None else None
    related = [Related(known.path, known.id_span, f"flow {known.name}")] if known is not None else []
    name = f"{namespace}.{flow_id}"
    if call is not None:
        report(
            "FL701",
            at,
            f"{call.kind} task '{call.task_id or '?'}' starts {name}, a flow no file of the project defines"
            f" (namespace {namespace} is the project's): the task fails when it runs",
            f"{call.yaml_path}.flowId",
            help=help_text,
            related=related,
        )
    elif listen is not None:
        report(
            "FL701",
            at,
            f"Flow trigger '{listen.trigger_id or '?'}' listens to {name}, a flow no file of the project defines"
            f" (namespace {namespace} is the project's): it never fires for it",
            f"{listen.yaml_path}.flowId",
            help=help_text,
            related=related,
            severity=Severity.WARNING,
        )
    return None


def _inputs(report: _Report, call: Call, target: FlowEntry, namespace: str) -> None:
    """FL702: the inputs a call (of a flow of ``namespace``) passes against those its target declares; the
    inputs plugin defaults give it count as passed (not judged when which they are is not known)."""
    from flowlint.project.call_defaults import configured_inputs

    if call.inputs is None or target.inputs is None or call.pinned:
        return
    passed = {p.key for p in call.inputs} | set(call.default_inputs or ())
    judged = call.default_inputs is not None and not configured_inputs(report.settings, namespace, call.kind)
    missing = [i for i in target.inputs if i.needs_value and i.id not in passed] if judged else []
    task = f"{call.kind} task '{call.task_id or '?'}'"
    if missing:
        names = ", ".join(f"'{i.id}'" for i in missing)
        report(
            "FL702",
            call.inputs_span or call.flow_id_span,
            f"{task} passes no value for input{'s' * (len(missing) > 1)} {names} of {target.name}"
            f" (no `defaults`, not `required: false`): the subflow's execution fails",
            f"{call.yaml_path}.{'inputs' if call.inputs_span else 'flowId'}",
            help="pass each under the task's `inputs:`, or give the input `defaults` or `required: false`",
            related=[Related(target.path, i.span, f"input '{i.id}' of {target.name}") for i in missing],
        )
    declared = {i.id: i for i in target.inputs}
    for given in call.inputs:
        found = declared.get(given.key)
        yaml_path = f"{call.yaml_path}.inputs.{given.key}"
        if found is None:
            close = _closest_name(list(declared), given.key)
            report(
                "FL702",
                given.key_span,
                f"{target.name} declares no input '{given.key}': {task} passes a value the subflow never gets"
                " (an execution gets the inputs its flow declares, and only those)",
                yaml_path,
                help=f"did you mean '{close}'?" if close else None,
                related=[Related(target.path, target.id_span, f"flow {target.name}")],
                severity=Severity.WARNING,
            )
            continue
        reason = given.misfit(found.type)
        if reason is not None:
            report(
                "FL702",
                given.value_span,
                f"input '{given.key}' of {target.name} is {found.type}: {reason}, so the subflow's execution fails",
                yaml_path,
                help="pass a value of the input's type, or an expression",
                related=[Related(target.path, found.span, f"input '{found.id}' of {target.name}")],
            )


def _closest_name(names: list[str], word: str) -> str | None:
    from flowlint.rules.closest import Closest

    return Closest(names).closest(word)


def _outputs(report: _Report, index: ProjectIndex, entry: FlowEntry) -> None:
    """FL705: ``outputs.<subflow task>.outputs.<name>`` against the outputs the called flow declares."""
    calls = {c.task_id: c for c in entry.calls if c.kind == "Subflow" and not c.own_outputs and not c.pinned}
    for read in entry.output_reads:
        call = calls.get(read.task_id)
        definitions = index.definitions(*call.target) if call is not None else []
        if call is None or len(definitions) != 1 or definitions[0].outputs is None:
            continue
        target = definitions[0]
        declared = [o.id for o in target.outputs or ()]
        if read.output in declared:
            continue
        close = _closest_name(declared, read.output)
        what = f"declares no output '{read.output}'" if declared else "declares no outputs"
        report(
            "FL705",
            read.span,
            f"{target.name}, the flow task '{read.task_id}' starts, {what}"
            f" (read as `outputs.{read.task_id}.outputs.{read.output}`): the expression fails when it is rendered",
            read.yaml_path,
            help=f"did you mean '{close}'?" if close else "declare it under the subflow's `outputs:`",
            related=[Related(target.path, target.id_span, f"flow {target.name}")],
        )


_CHILD = (
    "id: child\nnamespace: company.team\ninputs:\n  - id: day\n    type: STRING\noutputs:\n  - id: total\n"
    '    type: INT\n    value: "{{ outputs.count.value }}"\ntasks:\n  - id: count\n'
    "    type: io.kestra.plugin.core.output.OutputValues\n    values:\n      value: 3\n"
)

RULES = [
    Rule(
        "FL701", "unknown-flow-ref", Severity.ERROR,
        "A Subflow, ForEachItem or Flow trigger names a flow of the project's namespaces that no file defines.",
        "A Subflow or ForEachItem task (`namespace` and `flowId`), or a Flow trigger's condition or "
        "precondition, names a flow by namespace and id. When the namespace is one the project owns (config "
        "`project: {namespaces: [...]}`, by default the namespaces of the project's flows) and no file of the "
        "project defines that flow, the task fails when it runs (error), or the trigger never fires (warning). "
        "Flows of other namespaces may live on the Kestra instance only: they are not judged. A namespace or "
        "id written as an expression is not judged.",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: chld\n"
        "    inputs:\n      day: monday\n",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"
        "    inputs:\n      day: monday\n",
    ),
    Rule(
        "FL702", "subflow-inputs", Severity.ERROR,
        "A Subflow or ForEachItem passes inputs that do not match those the called flow declares.",
        "A Subflow or ForEachItem task passes its `inputs:` to the flow it starts. An input of that flow with "
        "no `defaults` that is not `required: false` must be passed, or the subflow's execution fails (error); "
        "a value for an input the flow does not declare never reaches it (warning: a renamed input, a typo); a "
        "literal value that an INT or FLOAT input cannot read fails the execution too (error; expressions are "
        "not judged). Inputs the flow's `pluginDefaults` pass to the task count as passed (a namespace or global "
        "default of the config that sets `inputs`: missing inputs are not judged); an input with a "
        "`dependsOn.condition` needs no value. Checked when the called flow is defined once in the project, "
        "its inputs can be read (no FORM input) and the task sets no `revision`.",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"
        "    inputs:\n      dya: monday\n",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"
        "    inputs:\n      day: monday\n",
    ),
    Rule(
        "FL703", "duplicate-flow", Severity.ERROR,
        "Two files (or two documents) define the same namespace and flow id.",
        "Kestra knows a flow by its namespace and id: deploying the repository saves both definitions under "
        "the same name, and whichever is deployed last silently replaces the other. Each definition is "
        "reported, with the other's location.",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: one\n---\nid: hello\nnamespace: company.team\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: two\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: one\n---\nid: hello_again\nnamespace: company.team\ntasks:\n  - id: log\n"
        "    type: io.kestra.plugin.core.log.Log\n    message: two\n",
    ),
    Rule(
        "FL705", "unknown-subflow-output", Severity.ERROR,
        "`outputs.<task>.outputs.<name>` reads an output the flow the Subflow task starts does not declare.",
        "A Subflow task that waits for its subflow outputs what that flow declares under `outputs:` (Kestra "
        "0.15 and later), read as `{{ outputs.<task>.outputs.<name> }}`. A name the called flow does not "
        "declare fails the expression when it is rendered. Not judged: a Subflow task with its own "
        "(deprecated) `outputs:`, `wait: false` or a `revision`, a read guarded by `??` or `is defined`, a "
        "called flow defined twice or outside the project.",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"
        "    inputs:\n      day: monday\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.call.outputs.totl }}\"\n",
        _CHILD + "---\nid: parent\nnamespace: company.team\ntasks:\n  - id: call\n"
        "    type: io.kestra.plugin.core.flow.Subflow\n    namespace: company.team\n    flowId: child\n"
        "    inputs:\n      day: monday\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: \"{{ outputs.call.outputs.total }}\"\n",
    ),
]  # fmt: skip
RULES_BY_CODE = {rule.code: rule for rule in RULES}
