"""Turn the measured results into the targets of issue 6 and one printed table."""

from __future__ import annotations

from neuralab.kernels import MIN_AUTO_SIZE

BASELINES = ("sklearn", "torch")


def _target(name, measured, limit, met, note=""):
    return {"target": name, "measured": measured, "limit": limit, "met": met, "note": note}


def _ratio_target(results, workload, baseline, limit, label):
    runs = results["workloads"].get(workload)
    if runs is None:
        return None
    ratio = runs["ratios"].get(baseline)
    if ratio is None:
        return _target(label, None, limit, None, f"{baseline} not installed")
    return _target(label, ratio, limit, ratio <= limit)


def _accuracy_targets(results):
    runs = results["workloads"].get("A")
    if runs is None:
        return []
    ours = runs["runs"]["neuralab"]["median_accuracy"]
    out = []
    for baseline in BASELINES:
        other = runs["runs"].get(baseline)
        label = f"A: test accuracy within 1 point of {baseline}"
        if other is None:
            out.append(_target(label, None, 0.01, None, f"{baseline} not installed"))
            continue
        gap = ours - other["median_accuracy"]
        side = "higher" if gap > 0 else "lower"
        out.append(_target(label, abs(gap), 0.01, abs(gap) <= 0.01,
                           f"neuralab's median is {abs(gap) * 100:.1f} points {side}"))
    return out


def targets(results) -> list[dict]:
    """Every target of issue 6 with its measured value and whether it is met (None: unknown)."""
    found = [
        _ratio_target(results, "A", "sklearn", 0.5, "A: time/epoch <= 0.5x scikit-learn's"),
        _ratio_target(results, "A", "torch", 0.6, "A: time/epoch <= 0.6x PyTorch's"),
        *_accuracy_targets(results),
    ]
    runs = results["workloads"].get("A")
    if runs is not None:
        fraction = runs["runs"]["neuralab"]["fraction_of_gemm"]
        found.append(_target("A: throughput >= 55% of the GEMM rate", fraction, 0.55,
                             fraction >= 0.55))
    for name in ("B", "C"):
        for baseline in BASELINES:
            found.append(_ratio_target(results, name, baseline, 1.0,
                                       f"{name}: faster than {baseline}"))
    memory = results.get("memory")
    if memory is not None and "tracemalloc_ratio" in memory:
        peak = max(memory["tracemalloc_ratio"], memory["maxrss_ratio"])
        found.append(_target("memory: peak <= 2.5x the data (60,000 x 784)", peak, 2.5,
                             peak <= 2.5))
    return [t for t in found if t is not None]


def _verdict(met) -> str:
    return {True: "met", False: "NOT met", None: "not measured"}[met]


def _fmt(value, digits=3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def table(results) -> str:
    """The whole report as text: machine, training table, inference, memory, targets."""
    lines = [_machine_line(results["machine"]), _settings_line(results["settings"]), ""]
    lines.append(f"{'workload':<34}{'library':<15}{'s/epoch':>9}{'neuralab/x':>11}"
                 f"{'test acc':>9}{'GFLOP/s':>9}{'of GEMM':>8}")
    for name, runs in results["workloads"].items():
        lines.append(f"{name}: {runs['describe']}, {runs['epochs']} epochs "
                     f"(GEMM ceiling {runs['gemm_gflops']:.1f} GFLOP/s)")
        for library, run in runs["runs"].items():
            ratio = runs["ratios"].get(library, 1.0 if library == "neuralab" else None)
            lines.append(f"{'':<34}{library:<15}{run['median_seconds']:>9.4f}"
                         f"{_fmt(ratio, 2):>11}{run['median_accuracy']:>9.3f}"
                         f"{run['gflops']:>9.1f}{run['fraction_of_gemm']:>8.0%}")
        for library in BASELINES:
            if library not in runs["runs"]:
                lines.append(f"{'':<34}{library:<15}not installed")
    lines += _inference_lines(results.get("inference"))
    lines += _memory_lines(results.get("memory"))
    lines += ["", "targets (issue 6):"]
    for t in results["targets"]:
        note = f"; {t['note']}" if t["note"] else ""
        lines.append(f"  [{_verdict(t['met']):^12}] {t['target']}: measured "
                     f"{_fmt(t['measured'])} (limit {t['limit']}){note}")
    return "\n".join(lines)


def _machine_line(m) -> str:
    env = f", {m['openblas_env']} set" if m.get("openblas_env") else ""
    loads = (m["load_average_1min"], m.get("load_average_1min_end", 0.0))
    threads = f"{m['threads']} thread" + ("s" if m["threads"] != 1 else "")
    line = (f"machine: {m['cpu']}, {m['cores']} cores, BLAS {m['blas']}{env}, {threads}, "
            f"1-min load {loads[0]:.1f} before / {loads[1]:.1f} after; "
            f"numpy {m['numpy']}, scikit-learn {m['sklearn']}, torch {m['torch']}; "
            f"neuralab's Adam: {_adam_path(m)}")
    if max(loads) > m["threads"] + 0.5:  # more runnable work than this run's own threads
        line += ("\nWARNING: other processes were using the CPU during this run; absolute "
                 "times and the GEMM fractions are unreliable (ratios less so: the libraries "
                 "took turns)")
    return line


def _adam_path(m) -> str:
    numba = m.get("numba", "not installed")
    if numba == "not installed":
        return "NumPy passes (numba not installed)"
    return (f"one compiled pass (numba {numba}) for networks of {MIN_AUTO_SIZE:,}+ parameters; "
            "neuralab-numpy: NumPy passes")


def _settings_line(s) -> str:
    return (f"medians of {s['repetitions']} interleaved repetitions (ratios: median of the "
            f"per-repetition ratios); command: {s['command']}")


def _inference_lines(inference) -> list[str]:
    if not inference:
        return []
    lines = ["", f"inference, A's network, batch {inference['batch']} (images/s, median of "
                 f"{inference['rounds']} interleaved rounds):"]
    for library, rate in inference["images_per_second"].items():
        ratio = inference["ratios"].get(library)
        versus = "" if ratio is None else f"   neuralab is {ratio:.2f}x as fast"
        lines.append(f"  {library:<10}{rate:>12,.0f}{versus}")
    return lines


def _memory_lines(memory) -> list[str]:
    if not memory:
        return []
    if "error" in memory:
        return ["", f"memory: not measured ({memory['error']})"]
    return ["", f"memory, training A's network 1 epoch on {memory['rows']:,} x "
                f"{memory['features']} float32 (data {memory['data_bytes'] / 2**20:.0f} MiB): "
                f"tracemalloc peak {memory['tracemalloc_ratio']:.2f}x the data, "
                f"peak RSS growth {memory['maxrss_ratio']:.2f}x; once per process before "
                f"that (imports, compiled kernels): {memory['setup_maxrss_bytes'] / 2**20:.0f} MiB"]
