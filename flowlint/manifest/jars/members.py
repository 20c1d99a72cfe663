"""What Jackson, Lombok and Kestra's annotations make of a class's members: property names (renamed,
ignored), defaults, enum constants."""

from __future__ import annotations

from flowlint.manifest.jars.classfile import ACC_ENUM, ACC_STATIC, ClassInfo, Member

PROPERTY = "io/kestra/core/models/property/Property"
PLUGIN_PROPERTY = "Lio/kestra/core/models/annotations/PluginProperty;"
JSON_PROPERTY = "Lcom/fasterxml/jackson/annotation/JsonProperty;"
JSON_IGNORE = "Lcom/fasterxml/jackson/annotation/JsonIgnore;"
JSON_ALIAS = "Lcom/fasterxml/jackson/annotation/JsonAlias;"
JSON_ANY_SETTER = "Lcom/fasterxml/jackson/annotation/JsonAnySetter;"
JSON_IGNORE_PROPERTIES = "Lcom/fasterxml/jackson/annotation/JsonIgnoreProperties;"
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


def enum_constants(info: ClassInfo, internal_name: str) -> list[str]:
    """An enum's constants as Jackson reads them (renamed by ``@JsonProperty``)."""
    own = f"L{internal_name};"
    return [
        renamed(member)
        for member in info.fields
        if member.access & ACC_ENUM and member.access & ACC_STATIC and member.descriptor == own
    ]


def renamed(member: Member, default: str | None = None) -> str:
    """The name ``@JsonProperty`` gives a member, else ``default``, else the member's own."""
    value = member.annotations.get(JSON_PROPERTY, {}).get("value")
    return value if isinstance(value, str) and value else default or member.name


def dropped(member: Member) -> bool:
    """Whether Jackson ignores the member (``@JsonIgnore``)."""
    ignore = member.annotations.get(JSON_IGNORE)
    return ignore is not None and bool(ignore.get("value", 1))


def has_default(declaring: ClassInfo, java_name: str) -> bool:
    """Whether a field has a default: Lombok's ``@Builder.Default`` (a static ``$default$<field>`` method in
    the declaring class) or an initializer (the no-argument constructor Jackson calls assigns it)."""
    wanted = f"$default${java_name}"
    return java_name in declaring.initialized or any(
        m.name == wanted and m.access & ACC_STATIC for m in declaring.methods
    )
