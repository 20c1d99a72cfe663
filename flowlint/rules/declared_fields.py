"""The fields each core task class of Kestra declares itself (not those it inherits), from the Kestra 1.3.25
source (``io.kestra.plugin.core``): Kestra's dashed-id check (FlowValidator, from 1.0) reads only these
(``getDeclaredFields``), so FL610 claims a refusal on save only in them. Facts read from the source (names);
a task type not listed, or a field that is not, is not claimed (FL301 still reads its ``outputs.my-task``)."""

from __future__ import annotations

from collections.abc import Mapping

DECLARED_FIELDS: Mapping[str, str] = {
    "debug.Echo": "format level",
    "debug.Return": "format",
    "execution.Assert": "conditions errorMessage",
    "execution.Count": "endDate expression flows namespaces startDate states",
    "execution.Exit": "state",
    "execution.Fail": "condition errorMessage",
    "execution.Labels": "labels",
    "execution.PurgeExecutions": (
        "batchSize endDate flowId namespace purgeExecution purgeLog purgeMetric purgeStorage startDate states"
    ),
    "execution.Resume": "executionId flowId inputs namespace",
    "execution.SetVariables": "overwrite variables",
    "execution.UnsetVariables": "ignoreMissing variables",
    "flow.Dag": "concurrent errors finally tasks",
    "flow.EachParallel": "concurrent value",
    "flow.EachSequential": "value",
    "flow.ForEach": "concurrencyLimit values",
    "flow.ForEachItem": (
        "batch errors finally flowId inheritLabels inputs items namespace restartBehavior revision scheduleDate "
        "transmitFailed wait"
    ),
    "flow.If": "condition else errors finally then",
    "flow.LoopUntil": "checkFrequency condition errors failOnMaxReached finally tasks",
    "flow.Parallel": "concurrent errors finally",
    "flow.Pause": "behavior delay errors finally onPause onResume pauseDuration tasks",
    "flow.Sequential": "errors finally tasks",
    "flow.Sleep": "duration",
    "flow.Subflow": (
        "flowId inheritLabels inputs namespace outputs restartBehavior revision scheduleDate transmitFailed wait"
    ),
    "flow.Switch": "cases defaults errors finally value",
    "flow.Template": "args errors finally namespace templateId tenantId",
    "flow.WorkingDirectory": "cache cacheDownloadedTime inputFiles namespaceFiles outputFiles",
    "http.Download": "failOnEmptyResponse saveAs",
    "http.Request": "encryptBody",
    "http.SseRequest": "concatJqExpression failedOnMissingJq",
    "kv.Delete": "errorOnMissing key namespace",
    "kv.Get": "errorOnMissing key namespace",
    "kv.GetKeys": "namespace prefix",
    "kv.PurgeKV": "behavior expiredOnly includeChildNamespaces keyPattern namespacePattern namespaces",
    "kv.Put": "errorOnMissing key namespace value",
    "kv.Set": "key kvDescription kvType namespace overwrite ttl value",
    "log.Fetch": "executionId flowId level namespace tasksId",
    "log.Log": "level message",
    "log.PurgeLogs": "endDate executionId flowId logLevels namespace startDate",
    "metric.Publish": "metrics",
    "namespace.DeleteFiles": "deleteParentFolder files namespace",
    "namespace.DownloadFiles": "destination files namespace",
    "namespace.PurgeFiles": "behavior filePattern includeChildNamespaces namespacePattern namespaces",
    "namespace.UploadFiles": "conflict destination files filesMap namespace",
    "output.OutputValues": "values",
    "state.Delete": "errorOnMissing",
    "state.Get": "errorOnMissing",
    "state.Set": "data",
    "storage.Concat": "extension files separator",
    "storage.DeduplicateItems": "expr from",
    "storage.Delete": "errorOnMissing uri",
    "storage.FilterItems": "errorOrNullBehavior filterCondition filterType from",
    "storage.LocalFiles": "inputs outputs",
    "storage.PurgeStorage": "dryRun endDate flowId namespace startDate",
    "storage.Reverse": "charset from separator",
    "storage.Size": "uri",
    "storage.Split": "bytes from partitions regexPattern rows separator",
    "storage.Write": "content extension",
    "templating.TemplatedTask": "spec",
}
"""Task type, after ``io.kestra.plugin.core.``, -> the names of the fields its class declares (space-separated)."""
