"""Hygiene rule FL401: credentials written into the flow instead of read with ``{{ secret('…') }}``.

A flow's source is stored by Kestra, shown in its editor and kept in every revision: a password written
in it is visible to whoever can read the flow, and stays in its history after it is changed.

What is a credential and what is a literal is :mod:`flowlint.secrets`'s: credential properties
(``keystorePassword``, ``AWS_SECRET_ACCESS_KEY``, ``api_key``, ``bearerToken``, ``secretKeyId``, …),
connection strings with a password in them, and the ``defaults`` of credential-like inputs, anywhere in
the flow (tasks, triggers, plugin defaults, variables, labels). Not credentials: ``tokenUrl``,
``secretName``, pagination tokens, identifiers (``accessKeyId``, ``clientId``, an ``accessKey`` next
to a ``secretKey``), token limits and counts (``maxToken: 2048``), and an input default that names the
secret the flow reads with ``secret(inputs.ID)``. Expressions, empty values and obvious placeholders
are not literals.

The secret itself is never printed: messages, help and related notes name the property only, and the
value's characters are masked (``*``) wherever source text is shown, whether or not FL401 runs.
"""

from __future__ import annotations

import re

from flowlint.diagnostics import Severity
from flowlint.rules.base import CheckContext, Rule


def check(ctx: CheckContext) -> None:
    """Report FL401 for one flow."""
    if not ctx.on("FL401"):
        return
    for secret in ctx.secrets:
        ctx.report(
            "FL401",
            secret.span,
            f"{secret.subject} holds {secret.what}: it is stored in the flow's source and in every revision",
            yaml_path=secret.yaml_path,
            help=f"store it as a secret and write `{{{{ secret('{secret_name(secret.key)}') }}}}` instead",
        )


def secret_name(key: str) -> str:
    """A name for the secret, from the property's name: ``apiKey`` → ``API_KEY``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key)
    return re.sub(r"[^A-Za-z0-9]+", "_", snake).strip("_").upper() or "SECRET"


RULES = [
    Rule(
        "FL401", "literal-secret", Severity.WARNING,
        "A credential-like property (password, token, apiKey, …) holds a literal instead of a secret.",
        "Kestra stores the flow's source and keeps every revision: a password written in the flow is "
        "readable by anyone who can see the flow, and stays in its history after it is changed. Store "
        "it as a secret and read it with `{{ secret('NAME') }}`. Properties whose name says credential "
        "(password, passwd, passphrase, secret, token, apiKey/api_key, accessKey, secretKey(Id), "
        "privateKey, clientSecret, sasToken), connection strings with an embedded password, and the "
        "defaults of credential-like inputs are checked. Not credentials: ids (accessKeyId, clientId, an "
        "accessKey next to a secretKey), token limits and counts (maxToken, a number under a token key), "
        "pagination tokens, and an input default the flow uses as a secret's name "
        "(`secret(inputs.api_key)`). Expressions, empty values "
        "and obvious placeholders (`${VAR}`, `<your-key>`, `****`, `changeme`, `YOUR_TOKEN`) are fine. "
        "flowlint never prints the value: source lines show it masked, whichever rules run.",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
        "    url: jdbc:postgresql://db:5432/shop\n    username: kestra\n    password: s3cr3t-passw0rd\n",
        "tasks:\n  - id: query\n    type: io.kestra.plugin.jdbc.postgresql.Query\n"
        "    url: jdbc:postgresql://db:5432/shop\n    username: kestra\n"
        "    password: \"{{ secret('POSTGRES_PASSWORD') }}\"\n",
        check=check,
    ),
]  # fmt: skip
