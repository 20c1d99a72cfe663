"""flowlint: a static linter for Kestra flow YAML that resolves every plugin version offline."""

__version__ = "0.1.0"
