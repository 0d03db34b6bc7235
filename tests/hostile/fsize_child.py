"""`python -m tests.hostile.fsize_child LIMIT [--flow] <newsflow args>`: the CLI's run path (no Prefect
flow; with `--flow`, the real flow run on $PREFECT_API_URL) in a process that may write no file past
LIMIT bytes: a full disk, as far as its writes can tell.

SIGXFSZ is ignored, so a write past the limit fails with EFBIG ("File too large") instead of
killing the process. For the commands that start the feed parser's and extractor's pools (`run`,
`reextract`), their forkserver is started before the limit: it copies the language model to a 68 MB
temporary file, and the point is the warehouse's writes. Any other command (`export`) starts no
pool, so no forkserver: starting one would cost the extraction stack's import and the model's load
(~1 cpu-s, uncounted by rusage: an orphan) for nothing.
"""

from __future__ import annotations

import resource
import signal
import sys
from multiprocessing import forkserver

from newsflow.cli import main
from newsflow.extractpool import _process_context
from tests.world.child import install_direct_run

POOL_COMMANDS = {"run", "reextract"}  # the commands that start an extraction or feed-parse pool

if __name__ == "__main__":
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    flow = sys.argv[2:3] == ["--flow"]
    args = sys.argv[3:] if flow else sys.argv[2:]
    if args[:1] and args[0] in POOL_COMMANDS:
        _process_context()
        forkserver.ensure_running()
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    if not flow:
        install_direct_run()
    sys.exit(main(args))
