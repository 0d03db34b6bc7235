"""`python -m tests.hostile.fsize_child LIMIT [--flow] <newsflow args>`: the CLI's run path (no Prefect
flow; with `--flow`, the real flow run on $PREFECT_API_URL) in a process that may write no file past
LIMIT bytes: a full disk, as far as its writes can tell.

SIGXFSZ is ignored, so a write past the limit fails with EFBIG ("File too large") instead of
killing the process. The feed parser's and extractor's forkserver is started before the limit:
it copies the language model to a 68 MB temporary file, and the point is the warehouse's writes.
"""

from __future__ import annotations

import resource
import signal
import sys
from multiprocessing import forkserver

from newsflow.cli import main
from newsflow.extractpool import _process_context
from tests.world.child import install_direct_run

if __name__ == "__main__":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    _process_context()
    forkserver.ensure_running()
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    args = sys.argv[2:]
    if args[:1] == ["--flow"]:
        args = args[1:]
    else:
        install_direct_run()
    sys.exit(main(args))
