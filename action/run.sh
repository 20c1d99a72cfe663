#!/usr/bin/env bash
# The check step of the flowlint GitHub Action (action.yml), runnable locally with the same variables:
# `flowlint check` with annotations on the pull request (--format github) and a SARIF log for code scanning.
#
#   INPUT_PATHS       files and folders, separated by spaces or newlines (none: the working folder)
#   INPUT_CONFIG      --config
#   INPUT_MANIFEST    one --manifest per path, separated by spaces or newlines
#   INPUT_VERSION     --target-kestra-version
#   INPUT_SARIF_FILE  where the SARIF log goes (none: no SARIF log)
#   INPUT_ARGS        more arguments for `flowlint check`, separated by whitespace (no quoting)
#   GITHUB_OUTPUT     receives `sarif-file=PATH` when the log was written (exit code 0 or 1)
#   FLOWLINT_BIN      the flowlint command (default: flowlint on PATH)
#
# The exit code is flowlint's: 0 clean, 1 findings at or above --fail-on, 2 usage error, 3 internal error.
set -euo pipefail

words() { # the words of $1, split at whitespace and newlines, one per line of output
    local list
    read -r -d '' -a list <<<"$1" || true
    if ((${#list[@]})); then printf '%s\n' "${list[@]}"; fi
}

arguments=(check --format github)
if [[ -n "${INPUT_SARIF_FILE:-}" ]]; then arguments+=(--format "sarif:$INPUT_SARIF_FILE"); fi
if [[ -n "${INPUT_CONFIG:-}" ]]; then arguments+=(--config "$INPUT_CONFIG"); fi
while IFS= read -r manifest; do arguments+=(--manifest "$manifest"); done < <(words "${INPUT_MANIFEST:-}")
if [[ -n "${INPUT_VERSION:-}" ]]; then arguments+=(--target-kestra-version "$INPUT_VERSION"); fi
while IFS= read -r word; do arguments+=("$word"); done < <(words "${INPUT_ARGS:-}")
arguments+=(--)
while IFS= read -r path; do arguments+=("$path"); done < <(words "${INPUT_PATHS:-}")

status=0
"${FLOWLINT_BIN:-flowlint}" "${arguments[@]}" || status=$?
if [[ -n "${INPUT_SARIF_FILE:-}" && -n "${GITHUB_OUTPUT:-}" ]] && ((status <= 1)); then # the log was written
    echo "sarif-file=$INPUT_SARIF_FILE" >>"$GITHUB_OUTPUT"
fi
exit "$status"
