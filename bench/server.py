"""Run gunicorn with the production configuration for the benchmarks, and watch it."""

from __future__ import annotations

import collections
import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """gunicorn -c gunicorn.conf.py bench.wsgi:application, started and stopped around a block."""

    def __init__(self, env: dict[str, str], *, app: str = "bench.wsgi:application"):
        self.port = free_port()
        self.env = {**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.env.setdefault("GUNICORN_ACCESS_LOG", "/dev/null")
        self.app = app
        self.process: subprocess.Popen | None = None
        self.log: collections.deque[str] = collections.deque(maxlen=200)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.process = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py", self.app],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Read its log as it comes: a full pipe would block every process writing to it.
        threading.Thread(target=self._read_log, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                time.sleep(0.2)  # the last lines
                raise RuntimeError("gunicorn stopped:\n" + "".join(self.log)[-2000:])
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer,  # noqa: S310
            ):
                if answer.status == 200 and len(self.worker_pids()) >= self.workers:
                    return self
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not become healthy within 60 seconds")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def _read_log(self) -> None:
        for line in self.process.stderr:
            self.log.append(line)

    @property
    def workers(self) -> int:
        import multiprocessing

        return int(self.env.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

    def worker_pids(self) -> list[int]:
        """The worker processes: the master's children (of any of its threads)."""
        if not self.process:
            return []
        pids = set()
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pids.update(int(pid) for pid in children.read_text().split())
        return sorted(pids)

    def kill_worker(self, timeout: float = 30) -> WorkerKill:
        """SIGKILL one worker, then wait for the master to reap it and start another.

        Nothing is signalled unless the pid is a gunicorn process whose parent is
        this server's master. The result lists what did not happen as problems.
        """
        kill = WorkerKill()
        before = self.worker_pids()
        target = process_info(before[0]) if before else None
        if target is None:
            kill.problems.append("gunicorn had no worker process to kill")
            return kill
        kill.pid, kill.command = before[0], target.command
        if target.parent != self.process.pid or "gunicorn" not in target.command:
            kill.problems.append(
                f"pid {kill.pid} is not a worker of this server "
                f"(parent {target.parent}, master {self.process.pid}: {target.command!r})"
            )
            return kill
        os.kill(kill.pid, signal.SIGKILL)
        kill.at = time.monotonic()

        def gone() -> bool:  # reaped by the master (or its pid already reused)
            now = process_info(kill.pid)
            return now is None or now.started != target.started

        def replaced() -> bool:  # a worker it did not have before, and all of them again
            workers = self.worker_pids()
            return bool(set(workers) - set(before)) and len(workers) >= self.workers

        kill.died_after = _wait_for(gone, since=kill.at, timeout=timeout)
        if kill.died_after is None:
            kill.problems.append(f"worker {kill.pid} was still there {timeout:.0f} s after SIGKILL")
        kill.replaced_after = _wait_for(replaced, since=kill.at, timeout=timeout)
        if kill.replaced_after is None:
            kill.problems.append(
                f"the master did not replace worker {kill.pid} within {timeout:.0f} s "
                f"(workers now: {self.worker_pids()})"
            )
        else:
            kill.replaced_by = sorted(set(self.worker_pids()) - set(before))
        if self.process.poll() is not None:
            kill.problems.append("the gunicorn master stopped")
        return kill

    def worker_memory(self) -> list[dict[str, float]]:
        """Each worker's resident memory now and at its peak, in MiB (from /proc)."""
        result = []
        for pid in self.worker_pids():
            fields = {}
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _, value = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        fields[key] = int(value.split()[0]) / 1024
            if fields:
                result.append({"pid": pid, "rss_mib": fields["VmRSS"], "peak_mib": fields["VmHWM"]})
        return result


@dataclasses.dataclass
class WorkerKill:
    """What killing a worker did, as /proc showed it. ``problems`` is empty when the
    worker was this server's, died, and was replaced."""

    pid: int | None = None
    command: str = ""
    at: float | None = None  # time.monotonic() when the signal was sent
    died_after: float | None = None  # seconds from the signal until its pid was gone
    replaced_after: float | None = None  # … until the master had a new worker
    replaced_by: list[int] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class ProcessInfo:
    parent: int
    started: int  # clock ticks after boot: tells a reused pid from the original
    command: str


def process_info(pid: int) -> ProcessInfo | None:
    """A live process's parent, start time and command line (None once it is reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    # The command name in parentheses may hold spaces: the other fields follow the last ")".
    fields = stat.rpartition(")")[2].split()
    return ProcessInfo(
        parent=int(fields[1]),
        started=int(fields[19]),
        command=command.replace(b"\0", b" ").decode(errors="replace").strip(),
    )


def _wait_for(condition, *, since: float, timeout: float) -> float | None:
    """Seconds from ``since`` until ``condition()`` held (polled), or None after ``timeout``."""
    while True:
        if condition():
            return round(time.monotonic() - since, 2)
        if time.monotonic() >= since + timeout:
            return None
        time.sleep(0.05)
