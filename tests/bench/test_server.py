"""The benchmark's gunicorn harness: killing a worker is checked, not assumed."""

import os
import signal
import subprocess
import sys

import pytest

from bench.server import Gunicorn, process_info


@pytest.fixture(scope="module")
def server():
    env = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "1", "LOG_LEVEL": "warning"}
    with Gunicorn(env, app="tests.bench.hello_wsgi:application") as running:
        yield running


def test_a_killed_worker_is_seen_dead_and_replaced(server):
    before = server.worker_pids()

    kill = server.kill_worker(timeout=20)

    assert kill.problems == []
    assert kill.pid in before
    assert "gunicorn" in kill.command
    assert process_info(kill.pid) is None  # reaped
    assert kill.died_after is not None
    assert kill.replaced_after is not None
    assert kill.replaced_by
    assert not set(kill.replaced_by) & set(before)
    assert len(server.worker_pids()) == 2


def test_a_process_that_is_not_its_worker_is_never_signalled(server, monkeypatch):
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        monkeypatch.setattr(server, "worker_pids", lambda: [stranger.pid])

        kill = server.kill_worker(timeout=1)

        assert kill.at is None
        assert kill.problems == [
            f"pid {stranger.pid} is not a worker of this server (parent {os.getpid()}, "
            f"master {server.process.pid}: {kill.command!r})"
        ]
        assert stranger.poll() is None  # still running
    finally:
        stranger.kill()
        stranger.wait()


def test_no_worker_to_kill_is_a_problem(server, monkeypatch):
    monkeypatch.setattr(server, "worker_pids", list)

    assert server.kill_worker(timeout=1).problems == ["gunicorn had no worker process to kill"]


def test_a_worker_the_master_neither_reaps_nor_replaces_is_a_problem(server):
    os.kill(server.process.pid, signal.SIGSTOP)  # the master stops looking after its workers
    try:
        kill = server.kill_worker(timeout=1)
    finally:
        os.kill(server.process.pid, signal.SIGCONT)

    assert kill.at is not None
    assert kill.problems[0] == f"worker {kill.pid} was still there 1 s after SIGKILL"
    assert kill.problems[1].startswith(f"the master did not replace worker {kill.pid} within 1 s")
