"""A process whose extraction pool is still open when it exits still exits (extractpool,
`_close_pools_left_open`). `newsflow run` interrupted while its batch ran in Prefect's event-loop
thread exits before that thread closes the pool; the workers ignore SIGTERM, so multiprocessing's
exit handler (SIGTERM to daemon children, then join) waited on them for ever: the run printed its
"interrupted" line and hung (SIGHUP mid-run under load, tests/hostile/test_sigterm.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tests.hostile.subprocesses import REPO

CHILD = textwrap.dedent("""
    import sys, threading
    from newsflow import extractpool
    from newsflow.extractpool import ExtractorPool, PageToExtract

    if sys.argv[1] == "without-the-hook":
        import atexit
        atexit.unregister(extractpool._close_pools_left_open)
    pool = ExtractorPool(2, timeout=60.0)
    page = PageToExtract(key="p", html="<html><body><p>A page.</p></body></html>", url="https://example.test/p")
    pool.extract_many([page])  # both workers started; one extracted a page, the other idles
    busy = threading.Thread(target=pool.extract_many, args=([page] * 2,), daemon=True)
    busy.start()  # a batch in flight in another thread, as Prefect's loop holds one
    print("exiting", flush=True)
""")


def exit_of(mode: str, timeout: float) -> subprocess.CompletedProcess[str] | None:
    try:
        return subprocess.run([sys.executable, "-c", CHILD, mode], cwd=REPO, capture_output=True, text=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None


def test_a_process_exits_with_its_extraction_pool_still_open() -> None:
    done = exit_of("as-shipped", timeout=30)
    assert done is not None, "the process hung at exit on its pool's workers"
    assert done.returncode == 0 and done.stdout == "exiting\n", done.stderr[-2000:]


def test_without_the_exit_hook_the_process_hangs_on_its_workers() -> None:
    # The control: what the hook prevents, so that the test above cannot pass for another reason.
    assert exit_of("without-the-hook", timeout=8) is None
