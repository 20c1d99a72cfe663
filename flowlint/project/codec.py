"""Project index entries as plain tuples (what marshal stores in the persistent cache), and back."""

from __future__ import annotations

from typing import Any

from flowlint.diagnostics import Span
from flowlint.project.entries import Call, FlowEntry, InputDecl, Listen, OutputDecl, OutputRead, PassedInput


def entry_to_data(entry: FlowEntry) -> tuple[Any, ...]:
    """``entry`` as nested plain tuples (what marshal stores), without its path (the cache keys by content)."""
    return (
        entry.document,
        entry.namespace,
        entry.id,
        tuple(entry.namespace_span),
        tuple(entry.id_span),
        None if entry.inputs is None else tuple(_plain(i) for i in entry.inputs),
        None if entry.outputs is None else tuple(_plain(o) for o in entry.outputs),
        tuple(_call_data(c) for c in entry.calls),
        tuple(_plain(listen) for listen in entry.listens),
        tuple(_plain(read) for read in entry.output_reads),
    )


def _plain(value: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(tuple(v) if isinstance(v, Span) else v for v in value)


def _call_data(call: Call) -> tuple[Any, ...]:
    inputs = None if call.inputs is None else tuple(_plain(p) for p in call.inputs)
    return (
        call.task_id,
        call.kind,
        call.namespace,
        call.flow_id,
        tuple(call.namespace_span),
        tuple(call.flow_id_span),
        call.yaml_path,
        inputs,
        None if call.inputs_span is None else tuple(call.inputs_span),
        call.own_outputs,
        call.default_inputs,
        call.pinned,
    )


def entry_from_data(path: str, data: Any) -> FlowEntry | None:
    """The FlowEntry of file ``path`` that :func:`entry_to_data` made; None when ``data`` does not have its
    shape and types (a damaged cache entry: the file is read again)."""
    try:
        document, namespace, flow_id, ns_span, id_span, inputs, outputs, calls, listens, reads = data
        entry = FlowEntry(
            path,
            document,
            namespace,
            flow_id,
            _span(ns_span),
            _span(id_span),
            None if inputs is None else tuple(_input(i) for i in inputs),
            None if outputs is None else tuple(OutputDecl(_text(o[0]), _span(o[1])) for o in outputs),
            tuple(_call(c) for c in calls),
            tuple(_listen(listen) for listen in listens),
            tuple(_read(r) for r in reads),
        )
    except (TypeError, ValueError, LookupError):
        return None
    return entry if type(document) is int and _texts(namespace, flow_id) else None


class _Bad(ValueError):
    """A value of the wrong type in cached data."""


def _span(data: Any) -> Span:
    if type(data) is not tuple or len(data) != 6 or not all(type(n) is int for n in data):
        raise _Bad
    return Span(*data)


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Bad
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Bad
    return value


def _texts(*values: Any) -> bool:
    return all(type(v) is str for v in values)


def _input(data: Any) -> InputDecl:
    input_id, kind, required, has_defaults, defaults, span, conditional = data
    return InputDecl(
        _text(input_id),
        _optional_text(kind),
        _flag(required),
        _flag(has_defaults),
        _optional_text(defaults),
        _span(span),
        _flag(conditional),
    )


def _passed(data: Any) -> PassedInput:
    key, key_span, value, value_span, misfits = data
    return PassedInput(
        _text(key), _span(key_span), _optional_text(value), _span(value_span), tuple(map(_misfit, misfits))
    )


def _misfit(data: Any) -> tuple[str, str]:
    kind, reason = data
    return (_text(kind), _text(reason))


def _call(data: Any) -> Call:
    (task_id, kind, namespace, flow_id, ns_span, id_span, yaml_path, inputs, inputs_span, own_outputs) = data[:10]
    default_inputs, pinned = data[10:]
    return Call(
        _optional_text(task_id),
        _text(kind),
        _text(namespace),
        _text(flow_id),
        _span(ns_span),
        _span(id_span),
        _text(yaml_path),
        None if inputs is None else tuple(_passed(p) for p in inputs),
        None if inputs_span is None else _span(inputs_span),
        _flag(own_outputs),
        None if default_inputs is None else tuple(map(_text, default_inputs)),
        _flag(pinned),
    )


def _listen(data: Any) -> Listen:
    trigger_id, namespace, flow_id, span, yaml_path = data
    return Listen(_optional_text(trigger_id), _text(namespace), _text(flow_id), _span(span), _text(yaml_path))


def _read(data: Any) -> OutputRead:
    task_id, output, span, yaml_path = data
    return OutputRead(_text(task_id), _text(output), _span(span), _text(yaml_path))
