"""Run commands in subprocesses, timing them and sampling the memory of their whole process tree.

Memory is read from /proc (no psutil in the project): the resident set of the command, of its
descendants (extraction workers, the forkserver, Prefect's temporary API server), summed per
sample. The peak is the largest sum seen, sampled every `interval` seconds. Summed RSS counts a
page that several processes share (the extraction workers share their forkserver's language
model and imports) once per process, so the tree's proportional set size (PSS, each shared page
split between its sharers, from /proc/PID/smaps_rollup) is sampled too. CPU time is the
command's own (user + system), with the descendants it waited for; a shared machine's load
stretches wall times far more than it does CPU times. It is also sampled per process from
/proc/PID/stat and summed by role (`cpu_by_role_s`): each process's own user + system time as
last seen, so a process's last `interval` before it exits is missed (<= 0.2 s of each; the
workers idle then), and Prefect's server, a descendant that outlives the run, is kept apart.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.site import REPO_ROOT

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20


@dataclass
class Finished:
    returncode: int
    wall_s: float
    stdout: str
    stderr: str
    peak_rss_mib: float = 0.0  # the whole tree
    peak_by_role_mib: dict[str, float] = field(default_factory=dict)
    peak_pss_mib: float = 0.0  # the whole tree, shared pages split between their sharers
    peak_pss_by_role_mib: dict[str, float] = field(default_factory=dict)
    cpu_s: float = 0.0  # user + system of the command and the children it waited for
    started_at: float = 0.0  # epoch seconds, just before the command started
    cpu_by_role_s: dict[str, float] = field(default_factory=dict)  # each process's own CPU, as last sampled

    def cpu_without_server_s(self) -> float:
        """CPU of the run's own processes (main, extraction and feed workers): the Prefect server apart."""
        return sum(seconds for role, seconds in self.cpu_by_role_s.items() if role != "prefect server")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _process_table() -> tuple[dict[int, list[int]], dict[int, int]]:
    """Every process's children, and its own CPU time (user + system) in clock ticks, from /proc."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    return children, ticks


def _tree(root: int, children: dict[int, list[int]]) -> list[int]:
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _pss(pid: int) -> int:
    """Proportional set size in bytes; 0 when the process is gone or the kernel does not say."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return 0
    return 0


def _rss_and_role(pid: int, root: int) -> tuple[int, str]:
    try:
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_BYTES
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (OSError, IndexError, ValueError):
        return 0, "gone"
    if pid == root:
        return resident, "main"
    if "multiprocessing" in cmdline or "forkserver" in cmdline or "newsflow-extract" in cmdline:
        return resident, "extract workers"
    if "prefect" in cmdline or "uvicorn" in cmdline:
        return resident, "prefect server"
    return resident, "other"


class TreeSampler:
    def __init__(self, root: int, interval: float = 0.2) -> None:
        self.root, self.interval = root, interval
        self.peak = 0
        self.peak_by_role: dict[str, int] = {}
        self.peak_pss = 0
        self.peak_pss_by_role: dict[str, int] = {}
        self.cpu_ticks: dict[int, tuple[str, int]] = {}  # pid -> (role, own CPU ticks when last seen)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_by_role_s(self) -> dict[str, float]:
        seconds: dict[str, float] = {}
        for role, ticks in self.cpu_ticks.values():
            seconds[role] = seconds.get(role, 0.0) + ticks / CLOCK_TICKS
        return {role: round(value, 2) for role, value in seconds.items()}

    def sample(self) -> None:
        total, by_role, total_pss, pss_by_role = 0, dict[str, int](), 0, dict[str, int]()
        children, ticks = _process_table()
        for pid in _tree(self.root, children):
            resident, role = _rss_and_role(pid, self.root)
            if role != "gone" and pid in ticks:  # the role first seen: an exiting process's cmdline is empty
                first_role, seen = self.cpu_ticks.get(pid, (role, 0))
                self.cpu_ticks[pid] = (first_role, max(ticks[pid], seen))
            proportional = _pss(pid)
            total += resident
            total_pss += proportional
            by_role[role] = by_role.get(role, 0) + resident
            pss_by_role[role] = pss_by_role.get(role, 0) + proportional
        self.peak = max(self.peak, total)
        self.peak_pss = max(self.peak_pss, total_pss)
        for role, resident in by_role.items():
            self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), resident)
        for role, proportional in pss_by_role.items():
            self.peak_pss_by_role[role] = max(self.peak_pss_by_role.get(role, 0), proportional)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)


def run_measured(
    argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path = REPO_ROOT, timeout: float = 3600
) -> Finished:
    """Run `argv`, returning its exit code, wall time, CPU time, output and the tree's peak RSS."""
    cpu_before = _children_cpu_s()
    started_at, started = time.time(), time.perf_counter()
    process = subprocess.Popen(list(argv), cwd=cwd, env={**os.environ, **(env or {})},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeSampler(process.pid) as sampler:
        stdout, stderr = process.communicate(timeout=timeout)
    wall = time.perf_counter() - started
    by_role = {role: round(v / MIB, 1) for role, v in sampler.peak_by_role.items() if role != "gone"}
    pss_by_role = {role: round(v / MIB, 1) for role, v in sampler.peak_pss_by_role.items() if role != "gone"}
    return Finished(process.returncode, wall, stdout, stderr, round(sampler.peak / MIB, 1), by_role,
                    cpu_s=_children_cpu_s() - cpu_before, started_at=started_at,
                    peak_pss_mib=round(sampler.peak_pss / MIB, 1), peak_pss_by_role_mib=pss_by_role,
                    cpu_by_role_s=sampler.cpu_by_role_s())


def _children_cpu_s() -> float:
    """CPU time of this process's children that have been waited for (only one runs at a time here)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu_s(pid: int) -> float | None:
    """CPU time (user + system) a running process has used so far; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def venv_bin(name: str) -> str:
    """A console script of the project's venv (the one running this benchmark)."""
    return str(Path(sys.executable).parent / name)
