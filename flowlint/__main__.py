"""The ``flowlint`` command's entry point (the console script and ``python -m flowlint``)."""

import gc
import sys


def entry() -> None:
    """Run the command line. ``check`` starts without the cyclic garbage collector: start-up (imports,
    config, manifest) only builds objects that live as long as the process, and collecting them again and
    again costs several milliseconds; ``run.resume_collection`` turns it back on before files are linted."""
    if sys.argv[1:2] == ["check"]:
        gc.disable()
    from flowlint.cli import main

    main()


if __name__ == "__main__":
    entry()
