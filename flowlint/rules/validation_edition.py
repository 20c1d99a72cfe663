"""Edition rule FL608: what Kestra's open-source edition refuses on save because it is an Enterprise Edition
feature (KESTRA-VALIDATION §2.2, §3.1, §3.2, §3.7(c)). It reports only when the config says ``edition: oss``
(or ``--edition oss``); with ``ee`` or no edition it reports nothing.

Each check applies in the Kestra versions whose source has it (``ctx.settings.target``):

- a task's or trigger's ``workerGroup``: ``WorkerGroupValidator`` from 0.10 (worker groups came in 0.10.0)
  to 0.23; PR #9850 removed it for 0.24.0 (2025-07, develop at 0.24.0-SNAPSHOT), so from 0.24 Kestra OSS
  accepts it. Up to 0.14 any ``workerGroup`` object is refused, from 0.15 one with a ``key``. Kestra checks
  it through ``@Valid`` only: on the flow's ``tasks``, ``errors``, ``finally``, ``afterExecution``,
  ``triggers`` and listener tasks, and on the child lists of the core flowables that carry ``@Valid``
  (``tasks``, ``errors``, ``finally``, If ``then``/``else``, Switch ``defaults``), not on Switch ``cases``,
  a Dag's tasks or the children of other plugins, which flowlint leaves alone. A flow-level
  ``workerGroup`` came in 0.24 with the removal, so Kestra OSS never refused it;
- a task's ``assets``: ``FlowValidator`` from 1.2 (assets came in 1.2.0-SNAPSHOT, 2025-12), on every task
  of the tree; from 2.0 on the flow's top-level task lists only (``Flow.allTasks``);
- an Enterprise-only input type (``@EeOnly``: ``TABLE``, ``REUSABLE_INPUTS``, also inside a ``FORM``) and a
  non-empty flow ``quotas``: ``FlowValidator`` from 2.0.
"""

from __future__ import annotations

import re

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from flowlint.diagnostics import Severity
from flowlint.flow import PluginUse
from flowlint.nodes import get, is_null, kestra_text
from flowlint.rules.base import CheckContext, Rule
from flowlint.rules.validation_dag import task_name
from flowlint.rules.validation_flowables import CORE_TYPES

WORKER_GROUP = (0, 10)
WORKER_GROUP_KEY = (0, 15)
"""From 0.15 Kestra refuses a ``workerGroup`` with a ``key`` only (before: any ``workerGroup`` object)."""
WORKER_GROUP_UNTIL = (0, 23)
"""The last Kestra version whose open-source edition refuses a ``workerGroup``."""
ASSETS = (1, 2)
ASSETS_TOP_LEVEL = (2, 0)
"""From 2.0 Kestra checks the ``assets`` of the flow's top-level tasks only."""
EE_INPUTS_AND_QUOTAS = (2, 0)
EE_INPUT_TYPES = frozenset({"TABLE", "REUSABLE_INPUTS"})
"""The input types Kestra marks ``@EeOnly``."""

_TOP_LEVEL_TASK = re.compile(r"(?:tasks|errors|finally|afterExecution)\[\d+\]")
_TOP_LEVEL_VALIDATED = re.compile(
    r"(?:tasks|errors|finally|afterExecution|triggers)\[\d+\]|listeners\[\d+\]\.tasks\[\d+\]"
)
_CHILD = re.compile(r"(?P<parent>.+)\.(?P<key>tasks|errors|finally|then|else|defaults)\[\d+\]")
_VALIDATED_LISTS: dict[str, frozenset[str]] = {
    "If": frozenset({"then", "else", "errors", "finally"}),
    "Switch": frozenset({"defaults", "errors", "finally"}),
    **{
        name: frozenset({"tasks", "errors", "finally"})
        for name in (
            "AllowFailure",
            "EachParallel",
            "EachSequential",
            "ForEach",
            "Parallel",
            "Pause",
            "Sequential",
            "WaitFor",
            "WorkingDirectory",
        )
    },
    **{name: frozenset({"errors", "finally"}) for name in ("Dag", "ForEachItem", "Template")},
}
"""Core flowable -> its task lists Kestra validates through ``@Valid`` (Switch ``cases`` and a Dag's
``tasks`` are not, up to 0.23)."""

EE_HELP = "remove it, or set `edition: ee` in the config if the flows are deployed to Kestra Enterprise Edition"


def check(ctx: CheckContext) -> None:
    """Report FL608 for one flow (only with ``edition: oss``)."""
    if not ctx.on("FL608") or ctx.settings.edition != "oss":
        return
    target = ctx.settings.target
    version = (target.major, target.minor)
    if WORKER_GROUP <= version <= WORKER_GROUP_UNTIL:
        _check_worker_groups(ctx, version)
    if version >= ASSETS:
        _check_assets(ctx, top_level_only=version >= ASSETS_TOP_LEVEL)
    if version >= EE_INPUTS_AND_QUOTAS:
        _check_inputs(ctx)
        _check_quotas(ctx)


def _check_worker_groups(ctx: CheckContext, version: tuple[int, int]) -> None:
    by_path = {use.yaml_path: use for use in ctx.flow.uses}
    for use in ctx.flow.uses:
        if use.kind not in ("task", "trigger") or not _validated(use, by_path):
            continue
        entry = get(use.node, "workerGroup")
        if entry is None or not isinstance(entry[1], MappingNode):
            continue  # no worker group, null, or not an object (Kestra's parser refuses it first)
        key = get(entry[1], "key")
        if version >= WORKER_GROUP_KEY and (key is None or is_null(key[1])):
            continue
        ctx.report(
            "FL608",
            entry[0],
            f"{use.kind} {task_name(use)} sets `workerGroup`, an Enterprise Edition feature: Kestra OSS"
            f" {ctx.settings.target_text} refuses it (Kestra: `Worker Group is an Enterprise Edition"
            " functionality`)",
            yaml_path=f"{use.yaml_path}.workerGroup",
            help=f"{EE_HELP} (Kestra OSS accepts it from 0.24)",
        )


def _validated(use: PluginUse, by_path: dict[str, PluginUse]) -> bool:
    """Whether Kestra's bean validation reaches ``use``: every list from the flow down to it is ``@Valid``."""
    path = use.yaml_path
    while not _TOP_LEVEL_VALIDATED.fullmatch(path):
        child = _CHILD.fullmatch(path)
        parent = by_path.get(child["parent"]) if child else None
        if child is None or parent is None or parent.kind != "task":
            return False
        if child["key"] not in _VALIDATED_LISTS.get(CORE_TYPES.get(parent.type_name, ""), frozenset()):
            return False
        path = parent.yaml_path
    return True


def _check_assets(ctx: CheckContext, *, top_level_only: bool) -> None:
    for use in ctx.flow.uses:
        if use.kind != "task" or not _in_task_tree(use.yaml_path, top_level_only):
            continue
        entry = get(use.node, "assets")
        if entry is None or is_null(entry[1]):
            continue
        ctx.report(
            "FL608",
            entry[0],
            f"task {task_name(use)} declares `assets`, an Enterprise Edition feature: Kestra OSS"
            f" {ctx.settings.target_text} refuses it (Kestra: `Task '{use.id}' can't have any `assets` because"
            " assets are only available in Enterprise Edition.`)",
            yaml_path=f"{use.yaml_path}.assets",
            help=EE_HELP,
        )


def _in_task_tree(path: str, top_level_only: bool) -> bool:
    """Whether a task at ``path`` is one Kestra's ``allTasks`` (top level) or ``allTasksWithChilds`` lists."""
    if top_level_only:
        return _TOP_LEVEL_TASK.fullmatch(path) is not None
    return _TOP_LEVEL_TASK.match(path) is not None


def _check_inputs(ctx: CheckContext) -> None:
    found = ctx.flow.top("inputs")
    if found is not None:
        _check_input_list(ctx, found[1], "inputs")


def _check_input_list(ctx: CheckContext, inputs: Node, path: str) -> None:
    if not isinstance(inputs, SequenceNode):
        return
    for index, item in enumerate(inputs.value):
        type_entry = get(item, "type") if isinstance(item, MappingNode) else None
        kind = kestra_text(type_entry[1]) if type_entry else None
        if type_entry is None or kind is None:
            continue
        here = f"{path}[{index}]"
        if kind in EE_INPUT_TYPES:
            _report_input(ctx, item, type_entry[1], kind, here)
        elif kind == "FORM":
            children = get(item, "inputs")
            if children is not None:
                _check_input_list(ctx, children[1], f"{here}.inputs")


def _report_input(ctx: CheckContext, item: Node, type_node: Node, kind: str, path: str) -> None:
    input_id = kestra_text(_value(item, "id"))
    ctx.report(
        "FL608",
        type_node,
        f"input '{input_id}' is of type {kind}, an Enterprise Edition input type: Kestra OSS"
        f" {ctx.settings.target_text} refuses it (Kestra: `Input '{input_id}' of type {kind} is only available in"
        " Enterprise Edition.`)",
        yaml_path=f"{path}.type",
        help=EE_HELP,
    )


def _value(node: Node, key: str) -> Node | None:
    found = get(node, key)
    return found[1] if found else None


def _check_quotas(ctx: CheckContext) -> None:
    found = ctx.flow.top("quotas")
    if found is None or not isinstance(found[1], SequenceNode) or not found[1].value:
        return
    key: ScalarNode = found[0]
    ctx.report(
        "FL608",
        key,
        f"the flow sets `quotas`, an Enterprise Edition feature: Kestra OSS {ctx.settings.target_text} refuses it"
        " (Kestra: `Quotas are only available in Enterprise Edition.`)",
        yaml_path="quotas",
        help=EE_HELP,
    )


RULES = [
    Rule(
        "FL608", "enterprise-only", Severity.ERROR,
        "A feature of Kestra's Enterprise Edition that the open-source edition refuses on save (checked only "
        "with `edition: oss`).",
        "Some keys only work on Kestra Enterprise Edition, and Kestra's open-source edition refuses to save a "
        "flow that uses them. With `edition: oss` in the config (or `--edition oss`), flowlint reports: a "
        "task's or trigger's `workerGroup` (`Worker Group is an Enterprise Edition functionality`, Kestra "
        "0.10 to 0.23: from 0.24 the open-source edition accepts it); a task's `assets` (from 1.2: ``Task "
        "'x' can't have any `assets` because assets are only available in Enterprise Edition.``); from 2.0 an "
        "input of type TABLE or REUSABLE_INPUTS (`Input 'x' of type TABLE is only available in Enterprise "
        "Edition.`) and flow `quotas` (`Quotas are only available in Enterprise Edition.`). Each check "
        "applies to the Kestra versions that have it (`targetKestraVersion`). With `edition: ee`, or no "
        "`edition`, the rule reports nothing: flowlint cannot know where the flows are deployed.",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n    workerGroup:\n      key: gpu\n",
        "id: hello\nnamespace: company.team\ntasks:\n  - id: hello\n    type: io.kestra.plugin.core.log.Log\n"
        "    message: hi\n",
        check=check,
    ),
]  # fmt: skip
