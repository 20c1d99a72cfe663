"""What Jackson, Lombok and Kestra's annotations make of a class's members: property names (renamed,
ignored), defaults, enum constants."""

from __future__ import annotations

from collections.abc import Sequence

from flowlint.manifest.jars.classfile import ACC_ABSTRACT, ACC_ENUM, ACC_STATIC, ClassInfo, Member

PROPERTY = "io/kestra/core/models/property/Property"
PLUGIN_PROPERTY = "Lio/kestra/core/models/annotations/PluginProperty;"
JSON_PROPERTY = "Lcom/fasterxml/jackson/annotation/JsonProperty;"
JSON_IGNORE = "Lcom/fasterxml/jackson/annotation/JsonIgnore;"
JSON_SETTER = "Lcom/fasterxml/jackson/annotation/JsonSetter;"
JSON_ALIAS = "Lcom/fasterxml/jackson/annotation/JsonAlias;"
JSON_ANY_SETTER = "Lcom/fasterxml/jackson/annotation/JsonAnySetter;"
JSON_IGNORE_PROPERTIES = "Lcom/fasterxml/jackson/annotation/JsonIgnoreProperties;"
JSON_TYPE_INFO = "Lcom/fasterxml/jackson/annotation/JsonTypeInfo;"
JSON_UNWRAPPED = "Lcom/fasterxml/jackson/annotation/JsonUnwrapped;"
JSON_VALUE = "Lcom/fasterxml/jackson/annotation/JsonValue;"
JSON_CREATOR = "Lcom/fasterxml/jackson/annotation/JsonCreator;"
JSON_DESERIALIZE = "Lcom/fasterxml/jackson/databind/annotation/JsonDeserialize;"
SCHEMA = "Lio/swagger/v3/oas/annotations/media/Schema;"
REQUIRING = frozenset(
    f"L{package}/validation/constraints/{name};"
    for package in ("jakarta", "javax")
    for name in ("NotNull", "NotBlank", "NotEmpty")
)
"""The constraints that make a property required."""
GETTER_MARKS = REQUIRING | {PLUGIN_PROPERTY, SCHEMA, JSON_PROPERTY}


def canonical(internal_name: str) -> str:
    """``com/acme/Upload$Options`` → ``com.acme.Upload.Options``."""
    return internal_name.replace("/", ".").replace("$", ".")


def bean_name(method: str) -> str | None:
    """The property a getter or setter names, as Jackson mangles it (``getURL`` → ``url``)."""
    for prefix in ("get", "set", "is"):
        if method.startswith(prefix) and len(method) > len(prefix):
            rest = method[len(prefix) :]
            upper = len(rest) - len(rest.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            return rest[:upper].lower() + rest[upper:] if upper else None
    return None


def enum_constants(info: ClassInfo, internal_name: str) -> list[str] | None:
    """An enum's constants as Jackson reads them (renamed by ``@JsonProperty``, with their ``@JsonAlias``
    names); None when a ``@JsonValue`` or ``@JsonCreator`` member decides what Jackson reads."""
    if any({JSON_VALUE, JSON_CREATOR} & m.annotations.keys() for m in (*info.methods, *info.fields)):
        return None
    own = f"L{internal_name};"
    constants: list[str] = []
    for member in info.fields:
        if member.access & ACC_ENUM and member.access & ACC_STATIC and member.descriptor == own:
            constants.append(renamed(member))
            constants.extend(a for a in _aliases(member) if a not in constants)
    return constants


def _aliases(member: Member) -> list[str]:
    found = member.annotations.get(JSON_ALIAS, {}).get("value")
    return [a for a in found if isinstance(a, str)] if isinstance(found, list) else []


def explicit(member: Member) -> str | None:
    """The name ``@JsonProperty`` (or, on a setter, ``@JsonSetter``) gives a member, if it gives one."""
    for annotation in (JSON_PROPERTY, JSON_SETTER):
        value = member.annotations.get(annotation, {}).get("value")
        if isinstance(value, str) and value:
            return value
    return None


def renamed(member: Member, default: str | None = None) -> str:
    """The name ``@JsonProperty``/``@JsonSetter`` gives a member, else ``default``, else the member's own."""
    return explicit(member) or default or member.name


def dropped(member: Member) -> bool:
    """Whether Jackson ignores the member (``@JsonIgnore``)."""
    ignore = member.annotations.get(JSON_IGNORE)
    return ignore is not None and bool(ignore.get("value", 1))


def accessors(chain: Sequence[ClassInfo]) -> dict[str, list[Member]]:
    """The getters and setters of the chain's classes, by the property they name: Jackson merges their
    annotations with the field's (``@JsonProperty("bar")`` on ``getFoo()`` renames the field ``foo``)."""
    found: dict[str, list[Member]] = {}
    for info in chain:
        for member in info.methods:
            name = bean_name(member.name)
            getter = member.descriptor.startswith("()") and not member.name.startswith("set")
            setter = member.name.startswith("set") and not member.descriptor.startswith("()")
            if name is not None and not member.access & ACC_STATIC and (getter or setter):
                found.setdefault(name, []).append(member)
    return found


def overridden(chain: Sequence[ClassInfo], getter: Member) -> bool:
    """Whether a class of the chain implements an interface getter with a body that computes its value (not
    Lombok's plain ``return this.field``): Hibernate Validator checks the constraint through it."""
    for info in chain:
        for member in info.methods:
            if member.name == getter.name and member.descriptor == getter.descriptor:
                if member.access & (ACC_ABSTRACT | ACC_STATIC) or not member.code:
                    continue
                return member.returns_field is None
    return False


def constructed(chain: Sequence[ClassInfo]) -> frozenset[str] | None:
    """The fields that the no-argument constructor Jackson calls assigns (initializers, Lombok's builder
    defaults, a subclass's assignments), following ``this(...)`` and ``super(...)`` through the chain's
    classes; None when it cannot be followed (no such constructor or no body)."""
    names = {info.name for info in chain}
    classes = {info.name: info for info in chain}
    assigned: set[str] = set()
    pending, seen = [(chain[0].name, "()V")], set()
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        owner, descriptor = key
        ctor = next((m for m in classes[owner].methods if m.name == "<init>" and m.descriptor == descriptor), None)
        if ctor is None or not ctor.code:
            return None
        assigned.update(name for klass, name in ctor.assigned if klass in names)
        pending.extend(call for call in ctor.chained if call[0] in names)
    return frozenset(assigned)


def has_default(declaring: ClassInfo, java_name: str, assigned: frozenset[str] | None) -> bool:
    """Whether a field has a default: Lombok's ``@Builder.Default`` (a static ``$default$<field>`` method in
    the declaring class) or an assignment by the constructor (``assigned``; None: not known, so it may)."""
    wanted = f"$default${java_name}"
    return (
        assigned is None
        or java_name in assigned
        or any(m.name == wanted and m.access & ACC_STATIC for m in declaring.methods)
    )
