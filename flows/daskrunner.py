"""The Dask task runner of a run with `execution.task_runner = "dask"` (flows.ingest's `DaskStages` use it): a
scheduler at `execution.address`, or a LocalCluster started for the run. Kept apart from flows/ingest.py, which
was past ~400 lines."""

from __future__ import annotations

from typing import Any

from prefect.task_runners import TaskRunner

from newsflow.config import ExecutionSettings
from newsflow.daskaddress import refuse_a_bad_address


def dask_task_runner(execution: ExecutionSettings, workers: int) -> TaskRunner[Any]:
    """Connect to `execution.address`, or start a LocalCluster of `workers` single-threaded processes."""
    refuse_a_bad_address(execution.address)  # checked only here, where it is read (review of Local 32, F2)
    from prefect_dask.task_runners import DaskTaskRunner  # the optional `dask` extra: imported only when asked for

    if execution.address:
        return DaskTaskRunner(address=execution.address)
    # dashboard_address ":0": a free port (logged by prefect-dask), never a clash on 8787.
    cluster_kwargs = {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": ":0"}
    return DaskTaskRunner(cluster_class=local_cluster, cluster_kwargs=cluster_kwargs)


def local_cluster(**kwargs: Any) -> Any:
    """A LocalCluster whose workers may start the extraction process (see NOT_DAEMON_HINT)."""
    import dask
    from distributed import LocalCluster

    with dask.config.set({"distributed.worker.daemon": False}):
        return LocalCluster(**kwargs)  # type: ignore[no-untyped-call]
