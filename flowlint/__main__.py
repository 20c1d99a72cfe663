"""``python -m flowlint``."""

from flowlint.cli import main

main()
