"""Manifests from Kestra's REST API: saved answers (``manifest import``) and a live instance (``manifest pull``).

The modules, as data flows through them: ``client`` GETs JSON from one server (credentials, one-line
errors); ``instance`` (``pull``: pages, each version's details a few at a time) and ``saved``
(``import_responses``: files) hand each answer to ``answers``, which knows the shapes Kestra answers with
and reads them into plugins and versions; ``convert`` makes those one native manifest. ``schema`` reads
Kestra's JSON Schema of a plugin class into property entries, and ``properties`` makes each plugin's
``properties`` section from them (per version for ``pull``, for every version for a schema file).
"""

from flowlint.manifest.api.instance import pull
from flowlint.manifest.api.saved import import_responses

__all__ = ["import_responses", "pull"]
