"""The backends on real engines: loky worker processes and a real ``distributed.LocalCluster``
with worker processes (one for the whole module), never mocks. The same sweep must give the
same numbers, bit for bit, serially, on loky and on Dask; a worker killed in the middle of a
sweep must cost nothing (every run exactly once in the results file); the data must reach each
worker once; an unreachable scheduler must fail fast, naming its address."""

import json
import os
import signal
import socket
import sys
import threading
import time

import cloudpickle
import pytest

from neuralab.sweep import Space, loguniform, sweep
from neuralab.sweep.backends import Lost, open_backend

distributed = pytest.importorskip("distributed")

# the probe below runs on the workers: ship this module's functions by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])

SPACE = Space(grid={"activation": ["sigmoid", "relu"]}, random={"lr": loguniform(1e-3, 1e-1)},
              n=2, seed=3)
FIXED = {"data": "digits", "hidden": [16], "epochs": 2, "seeds": 2}
SLOW = {"data": "digits", "hidden": [64, 64], "epochs": 6, "seeds": 8}  # ~0.3 s a run
VOLATILE = ("seconds", "worker", "machine")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as local:
        yield local


def numbers(result):
    """Every record of a result without what may differ between machines and processes."""
    return [{k: v for k, v in vars(run).items() if k not in VOLATILE} for run in result.runs]


@pytest.fixture(scope="module")
def reference():
    return numbers(sweep(SPACE, backend="serial", **FIXED))


def test_serial_loky_and_dask_give_bit_identical_runs(cluster, reference):
    assert len(reference) == 2 * 2 * 2 and all(r["status"] == "ok" for r in reference)
    loky = sweep(SPACE, backend="loky", n_jobs=2, **FIXED)
    dask = sweep(SPACE, backend="dask", scheduler=cluster.scheduler_address, **FIXED)
    assert numbers(loky) == reference  # == on floats: bit for bit
    assert numbers(dask) == reference
    for result in (loky, dask):
        workers = {run.worker for run in result.runs}  # worker processes, not this one
        assert workers and f"{socket.gethostname()}:{os.getpid()}" not in workers
        assert all(b["threads"] == 1 for run in result.runs for b in run.machine["blas"])


def test_dask_finds_the_cluster_by_the_dask_scheduler_address_convention(cluster):
    import dask

    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = set(client.run(os.getpid).values())
    with dask.config.set({"scheduler-address": cluster.scheduler_address}):  # what
        result = sweep({"lr": [0.1]}, backend="dask", **FIXED)  # $DASK_SCHEDULER_ADDRESS sets
    assert {int(run.worker.rsplit(":", 1)[1]) for run in result.runs} <= pids


def _kill_a_worker_mid_sweep(path, **options):
    """Run a slow sweep in a thread; SIGKILL the worker of the first finished run. Returns the
    sweep's result and how many runs were in the file when the worker was killed."""
    out = []
    thread = threading.Thread(target=lambda: out.append(
        sweep({"activation": ["tanh", "relu"]}, results=path, **SLOW, **options)))
    thread.start()
    deadline = time.monotonic() + 60
    while not path.exists() or not path.read_text(encoding="utf-8").count("\n"):
        assert time.monotonic() < deadline, "no run finished within a minute"
        time.sleep(0.005)
    first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    os.kill(int(first["worker"].rsplit(":", 1)[1]), signal.SIGKILL)
    done_at_kill = path.read_text(encoding="utf-8").count("\n")
    thread.join(120)
    assert not thread.is_alive() and out, "the sweep did not finish after the kill"
    return out[0], done_at_kill


@pytest.mark.parametrize("backend", ["loky", "dask"])
def test_a_killed_worker_costs_nothing_every_run_is_in_the_file_once(tmp_path, cluster, backend):
    path = tmp_path / "results.jsonl"
    options = ({"backend": "loky", "n_jobs": 2} if backend == "loky"
               else {"backend": "dask", "scheduler": cluster.scheduler_address})
    result, done_at_kill = _kill_a_worker_mid_sweep(path, **options)
    assert done_at_kill < 16, "the sweep ended before the worker was killed"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted(r["id"] for r in records) == sorted(run.id for run in result.runs)
    assert len(records) == len(result.runs) == 16  # each run exactly once
    assert all(r["status"] == "ok" for r in records)
    if backend == "loky":  # its broken pool was replaced: new processes ran the rest
        assert len({r["worker"] for r in records}) >= 3
    # (Dask's nanny restarts the worker too, but the other worker may finish before it is up)
    assert numbers(result) == numbers(sweep({"activation": ["tanh", "relu"]}, backend="serial",
                                            **SLOW))


def where_am_i(task, shared):
    """A probe run on the workers: this process and the identity of its copy of the data."""
    return os.getpid(), id(shared)


@pytest.mark.parametrize("backend", ["loky", "dask"])
def test_the_data_reach_each_worker_once_not_with_every_run(cluster, backend):
    shared = {"x": bytes(4_000_000)}
    options = {"scheduler": cluster.scheduler_address} if backend == "dask" else {"n_jobs": 2}
    with open_backend(backend, **options) as engine:
        seen = [value for _, value in engine.map(where_am_i, list(range(40)), shared)]
    copies = {}
    for pid, copy in seen:
        copies.setdefault(pid, set()).add(copy)
    assert len(seen) == 40 and 1 <= len(copies) <= 2 and os.getpid() not in copies
    assert all(len(ids) == 1 for ids in copies.values())  # one copy per worker, reused


def crash_on_three(task, shared):
    """A probe whose task 3 kills the worker running it, every time (a segfault, say)."""
    if task == 3:
        os._exit(1)
    time.sleep(0.05)
    return task * 10


def test_a_run_that_kills_every_worker_it_runs_on_is_lost_and_the_rest_come_back():
    with open_backend("loky", n_jobs=2) as engine:
        pairs = list(engine.map(crash_on_three, list(range(12))))
    assert sorted(index for index, _ in pairs) == list(range(12))  # each exactly once
    results = dict(pairs)
    assert isinstance(results.pop(3), Lost)
    assert results == {i: i * 10 for i in results}  # every innocent task came back


def test_an_unreachable_scheduler_fails_within_seconds_naming_its_address(tmp_path):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    results = tmp_path / "results.jsonl"
    start = time.monotonic()
    with pytest.raises(ValueError, match=f"cannot reach the Dask scheduler at {address}"):
        sweep({"lr": [0.1]}, backend="dask", scheduler=address, results=results, **FIXED)
    assert time.monotonic() - start < 10 and not results.exists()


def test_a_local_backend_refuses_a_scheduler_and_unknown_backends_are_named():
    with pytest.raises(ValueError, match="needs backend 'dask' or 'ray'"):
        open_backend("loky", scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ValueError, match="unknown backend 'spark'"):
        open_backend("spark")


def test_the_lab_on_the_dask_cluster_gives_the_serial_numbers(tmp_path, cluster):
    from neuralab import lab

    serial = lab.run(["loss_slowdown"], quick=True, out=tmp_path / "serial", progress=False)
    spread = lab.run(["loss_slowdown"], quick=True, out=tmp_path / "dask", progress=False,
                     backend="dask", scheduler=cluster.scheduler_address)
    assert [r.numbers for r in spread] == [r.numbers for r in serial]
    assert [[v.reproduced for v in r.verdicts] for r in spread] == \
        [[v.reproduced for v in r.verdicts] for r in serial]


def test_ray_gives_the_same_runs(reference):
    pytest.importorskip("ray", reason="Ray is the optional extra neuralab[ray]")
    assert numbers(sweep(SPACE, backend="ray", n_jobs=2, **FIXED)) == reference
