"""The `newsflow` command's entry point (`python -m newsflow` and the installed script).

Importing the CLI takes 1-2 s (DuckDB, Prefect, trafilatura). A Ctrl-C there raised
KeyboardInterrupt inside some module's import, before `cli.main` could catch anything: a
traceback of a dozen frames through duckdb's or prefect's modules, where every other interrupt
gives one line and 130 (red team 14, tests/hostile/test_exit_anywhere.py). SIGTERM and SIGHUP there
end the process by the signal, with no output, as before.
"""

from __future__ import annotations

import sys

EXIT_INTERRUPTED = 130  # cli.EXIT_INTERRUPTED, which cannot be imported before the import it guards


def main() -> int:
    try:
        from newsflow.cli import main as cli_main
    except KeyboardInterrupt:
        sys.stderr.write("newsflow: interrupted while starting; nothing was done\n")
        return EXIT_INTERRUPTED
    return cli_main()
