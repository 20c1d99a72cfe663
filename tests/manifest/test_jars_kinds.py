"""`manifest build`: which classes of a JAR are plugins, and of which kind, from the services file, the
class files and the names (flowlint/manifest/jars/kinds.py, classfile.py, jar.py)."""

from __future__ import annotations

from pathlib import Path

from flowlint.manifest.jars.classfile import parse_class
from flowlint.manifest.jars.kinds import kind_by_name
from tests.manifest.plugin_jars import (
    ABSTRACT,
    CONDITION,
    HIDDEN,
    PLUGIN,
    PUBLIC,
    RUNNABLE,
    RUNNER,
    TASK,
    TRIGGER,
    build,
    class_file,
    jar,
    kestra,
    plugin_jar,
    version,
    warnings,
)

# --- kinds ---------------------------------------------------------------------------------------------


def test_kinds_by_name_when_class_files_say_nothing(tmp_path: Path) -> None:
    names = [
        "io.kestra.plugin.kafka.Produce",
        "io.kestra.plugin.kafka.RealtimeTrigger",
        "io.kestra.plugin.kafka.triggers.Consume",
        "io.kestra.plugin.kafka.MessageCondition",
        "io.kestra.plugin.kafka.conditions.HasKey",
        "io.kestra.plugin.kafka.runner.Remote",
        "io.kestra.plugin.kafka.KafkaTaskRunner",
        "io.kestra.plugin.kafka.Outer$Inner",
    ]
    plugin_jar(
        tmp_path / "plugins/io_kestra_plugin__plugin-kafka__1_0_0.jar",
        "plugin-kafka",
        "io.kestra.plugin.kafka",
        "1.0.0",
        names,
    )
    data, stderr = build(tmp_path)
    assert stderr == []
    assert data is not None
    assert data["plugins"][0]["versions"] == [
        version(
            "1.0.0",
            ["io.kestra.plugin.kafka.Produce", "io.kestra.plugin.kafka.Outer.Inner"],
            triggers=["io.kestra.plugin.kafka.RealtimeTrigger", "io.kestra.plugin.kafka.triggers.Consume"],
            conditions=["io.kestra.plugin.kafka.MessageCondition", "io.kestra.plugin.kafka.conditions.HasKey"],
            taskRunners=["io.kestra.plugin.kafka.runner.Remote", "io.kestra.plugin.kafka.KafkaTaskRunner"],
        )
    ]


def test_kinds_hidden_internal_and_aliases_come_from_the_class_files(tmp_path: Path) -> None:
    base = "io/kestra/plugin/core/trigger"
    classes = {
        # a task in a `trigger` package: the name alone would say trigger
        f"{base}/Toggle": class_file(f"{base}/Toggle", TASK, [RUNNABLE]),
        # through an abstract class of the JAR, to Kestra's AbstractTrigger
        f"{base}/AbstractPolling": class_file(f"{base}/AbstractPolling", TRIGGER, access=PUBLIC | ABSTRACT),
        f"{base}/Poll": class_file(f"{base}/Poll", f"{base}/AbstractPolling"),
        # named like a task, extends Condition
        f"{base}/Weekday": class_file(f"{base}/Weekday", CONDITION),
        f"{base}/Local": class_file(f"{base}/Local", RUNNER),
        f"{base}/Store": class_file(f"{base}/Store", "java/lang/Object", ["io/kestra/core/storages/StorageInterface"]),
        f"{base}/Secret": class_file(f"{base}/Secret", TASK, annotations=[(HIDDEN, {})]),
        f"{base}/Inside": class_file(f"{base}/Inside", TASK, annotations=[(PLUGIN, {"internal": True})]),
        f"{base}/Echo": class_file(
            f"{base}/Echo",
            TASK,
            annotations=[(PLUGIN, {"internal": False, "aliases": ["io.kestra.core.tasks.debugs.Echo", "bad alias"]})],
        ),
    }
    services = [n.replace("/", ".") for n in classes if not n.endswith("AbstractPolling")]
    jar(
        tmp_path / "plugins/io_kestra_plugin__plugin-core-extra__1_0_0.jar",
        kestra("plugin-core-extra", "io.kestra.plugin.core", "1.0.0"),
        services,
        classes,
    )
    data, stderr = build(tmp_path)
    assert stderr == []
    assert data is not None
    dotted = base.replace("/", ".")
    assert data["plugins"][0]["versions"] == [
        version(
            "1.0.0",
            [f"{dotted}.Toggle", f"{dotted}.Echo"],
            triggers=[f"{dotted}.Poll"],
            conditions=[f"{dotted}.Weekday"],
            taskRunners=[f"{dotted}.Local"],
            others=[f"{dotted}.Store"],
            aliases={"io.kestra.core.tasks.debugs.Echo": f"{dotted}.Echo"},
        )
    ]


def test_without_a_services_file_classes_of_the_group_are_taken_with_a_warning(tmp_path: Path) -> None:
    group = "io/kestra/plugin/aws"
    real = {
        f"{group}/s3/Upload": class_file(f"{group}/s3/Upload", TASK),
        f"{group}/s3/Trigger": class_file(f"{group}/s3/Trigger", TRIGGER),
        f"{group}/s3/AbstractS3": class_file(f"{group}/s3/AbstractS3", TASK, access=PUBLIC | ABSTRACT),
        f"{group}/s3/Upload$Output": class_file(f"{group}/s3/Upload$Output", "java/lang/Object"),
        f"{group}/s3/Helper": class_file(f"{group}/s3/Helper", "java/lang/Object"),
        f"{group}/AwsClientConfig": class_file(f"{group}/AwsClientConfig", "java/lang/Object"),
        "software/amazon/S3Client": class_file("software/amazon/S3Client", TASK),
    }
    stubs = {
        f"{group}/sqs/Publish": b"stub",
        f"{group}/sqs/RealtimeTrigger": b"stub",
        f"{group}/sqs/Publish$Builder": b"stub",
        f"{group}/sqs/SqsUtils": b"stub",
        f"{group}/sqs/AbstractSqs": b"stub",
        f"{group}/sqs/package-info": b"stub",
        f"{group}/internal/Signer": b"stub",
    }
    jar(
        tmp_path / "plugins/io_kestra_plugin__plugin-aws__0_21_0.jar",
        kestra("plugin-aws", "io.kestra.plugin.aws", "0.21.0"),
        None,
        {**real, **stubs},
    )
    data, stderr = build(tmp_path)
    assert stderr == warnings(
        "io_kestra_plugin__plugin-aws__0_21_0.jar: no META-INF/services/io.kestra.core.models.Plugin; "
        "plugin classes guessed from the class files under the io.kestra.plugin.aws package"
    )
    assert data is not None
    assert data["plugins"][0]["versions"] == [
        version(
            "0.21.0",
            ["io.kestra.plugin.aws.s3.Upload", "io.kestra.plugin.aws.sqs.Publish"],
            triggers=["io.kestra.plugin.aws.s3.Trigger", "io.kestra.plugin.aws.sqs.RealtimeTrigger"],
        )
    ]


def test_without_services_file_nor_group_only_class_files_that_reach_kestra_count(tmp_path: Path) -> None:
    classes = {
        "com/acme/Run": class_file("com/acme/Run", TASK),
        "com/acme/Base": class_file("com/acme/Base", "io/kestra/core/models/SomethingNew"),
        "com/acme/Stub": b"stub",
        "org/lib/Thing": class_file("org/lib/Thing", "java/lang/Object"),
    }
    attributes = {"X-Kestra-Name": "plugin-acme", "X-Kestra-Version": "v3.0.0"}
    jar(tmp_path / "plugins/plugin-acme.jar", attributes, None, classes)
    data, stderr = build(tmp_path)
    assert stderr == warnings(
        "plugin-acme.jar: no META-INF/services/io.kestra.core.models.Plugin; "
        "plugin classes guessed from the class files under the whole JAR"
    )
    assert data is not None
    assert data["plugins"] == [
        {"groupId": "io.kestra.plugin", "artifactId": "plugin-acme", "versions": [version("3.0.0", ["com.acme.Run"])]}
    ]


# --- class files and names alone -----------------------------------------------------------------------


def test_class_files_give_hierarchy_and_annotations_and_names_alone_give_a_kind() -> None:
    info = parse_class(class_file("a/B", "a/Base", ["x/I", "y/J"], annotations=[(HIDDEN, {})]))
    assert info is not None
    assert (info.super_name, info.interfaces, info.hidden, info.concrete_public) == (
        "a/Base",
        ("x/I", "y/J"),
        True,
        True,
    )
    assert parse_class(b"stub") is None
    assert parse_class(class_file("a/B")[:30]) is None
    assert kind_by_name("io.kestra.plugin.core.trigger.Schedule") == "triggers"
    assert kind_by_name("io.kestra.plugin.core.condition.ExecutionStatus") == "conditions"
    assert kind_by_name("io.kestra.plugin.scripts.runner.docker.Docker") == "taskRunners"
    assert kind_by_name("io.kestra.plugin.core.log.Log") == "tasks"
    assert kind_by_name("io.kestra.storage.gcs.GcsStorage") == "others"
