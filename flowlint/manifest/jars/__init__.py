"""``manifest build DIR``: a manifest from a folder of Kestra plugin JARs, read with ``zipfile`` (no JVM).

What Kestra reads, and so what is read here (SEMANTICS §6):

- Every ``*.jar`` under the folder, recursively (Kestra's plugin path is scanned the same way).
- The main section of ``META-INF/MANIFEST.MF``: ``X-Kestra-Name`` (the Maven artifactId),
  ``X-Kestra-Title``, ``X-Kestra-Group`` (the Java package group, e.g. ``io.kestra.plugin.scripts.shell``,
  *not* the Maven groupId) and ``X-Kestra-Version``. Lines are at most 72 bytes; a line that starts with
  one space continues the previous one (joined as bytes, since a split may fall inside a UTF-8 character).
- ``META-INF/services/io.kestra.core.models.Plugin``: one binary class name a line, ``#`` comments.
  Kestra's ``ServiceLoader`` instantiates exactly these. Types are their canonical names (``$`` → ``.``),
  as ``Plugin.getType()`` gives them. Only when the file is absent are the class entries under the
  ``X-Kestra-Group`` package taken instead, with a warning naming the JAR: never inner classes (``$``);
  public concrete classes that reach a Kestra plugin base (or an unknown ``io.kestra`` class and have a
  plugin-like name); class files that cannot be read when their names do not look like helpers (no
  ``Abstract`` prefix, no ``Exception``/``Utils``/``Output``/... suffix, not in ``internal``/``utils``/
  ``models``/... packages). Without ``X-Kestra-Group`` the whole JAR is searched, and only class files
  that reach a Kestra plugin base count.

Coordinates and version:

- A versioned plugin repository file name, ``<groupId, . as _>__<artifactId>[__<classifier>]__<version,
  . as _>.jar`` (``PluginArtifact.fromFileName``; qualifiers such as ``1_2_0-SNAPSHOT`` or ``1_2_0-rc1`` are
  accepted too), gives groupId, artifactId and version; when ``X-Kestra-Version`` (or ``X-Kestra-Name``)
  says otherwise, the file name wins — Kestra's versioned registry goes by it — with a warning.
- Any other file name: artifactId from ``X-Kestra-Name``, version from ``X-Kestra-Version`` (what
  ``RegisteredPlugin.version()`` reports), groupId from ``META-INF/maven/<groupId>/<artifactId>/pom.properties``
  when the JAR has one for that artifact, else ``io.kestra.plugin``. Without ``X-Kestra-Version`` the
  version comes from that ``pom.properties``, else from a name ``<artifactId>-<version>.jar``.

Kinds. A JAR does not say which class is a task, a trigger, a condition or a task runner: Kestra finds out
by ``instanceof`` once the class is loaded. Without a JVM, the class files themselves are read: the super
class and interfaces in each class file are followed through the JAR until a Kestra base type is met —
``io.kestra.core.models.tasks.Task`` (or ``RunnableTask``/``FlowableTask``) → tasks,
``io.kestra.core.models.triggers.AbstractTrigger`` (or the polling/realtime/webhook trigger interfaces) →
triggers, ``io.kestra.core.models.conditions.Condition``/``ScheduleCondition`` → conditions,
``io.kestra.core.models.tasks.runners.TaskRunner`` → taskRunners, and storages, secrets, apps, app blocks,
charts, data filters and log exporters → others; when several are met, the first in that order wins, as in
``PluginScanner``'s ``switch``. The same class files give what Kestra reads from annotations: a class
annotated ``@io.swagger.v3.oas.annotations.Hidden`` is skipped (``PluginScanner`` skips it), as is one
marked ``@Plugin(internal = true)`` (it cannot be referenced from a flow), and ``@Plugin(aliases = ...)``
become the version's ``aliases``.

When a class file is missing, unreadable or leads nowhere known, the name decides:
a simple name ending in ``Trigger`` → triggers, in ``Condition`` → conditions, in ``TaskRunner`` or
``Runner`` → taskRunners; otherwise the innermost package segment among ``trigger(s)``, ``condition(s)``,
``runner(s)``/``taskrunner(s)`` decides the same way; classes under ``io.kestra.storage.`` or
``io.kestra.secret.`` → others; everything else → tasks. (The name alone is wrong for, e.g.,
``io.kestra.plugin.core.trigger.Toggle``, a task: reading the class file gets it right.)

JARs that cannot be used are warnings naming the file, never failures: not a zip, unreadable, no Kestra
attributes and no services file (a library), no version, no plugin class. Several versions of one artifact
become one plugin with several versions; the same version twice is one entry holding the union of both,
with a warning. A folder with no JAR, or no plugin in any JAR, is a UsageError (exit 2).

The modules, as data flows through them: ``folder`` finds the JARs and merges their plugins into one
manifest; ``jar`` reads one JAR with ``zipfile``, using ``metainf`` (``MANIFEST.MF``, the services file,
``pom.properties``), ``names`` (what a file name says), ``classfile`` (the JVM class file format) and
``kinds`` (a class's manifest key, from the Kestra base types it reaches or from its name). Then
``sections`` makes each plugin's ``properties`` section from what ``properties`` reads of each type in
the class files of the whole folder (``classpath``): member names by ``members``, types by ``signatures``.
"""

from flowlint.manifest.jars.folder import build_from_jars

__all__ = ["build_from_jars"]
