#!/usr/bin/python3
"""sep_spectra.py — the time scales of the SEP sources (issue 27): power spectra.

For the SEP task with 3 sources (Lorenz, Rössler, Chen; sep_sources: 3) at the
sampling a preset gives (lorenz_tmax, rossler_tmax, chen_time_scale ·
lorenz_tmax over sep_n_samples samples, the first sep_n_drop dropped), the
power spectrum of every min–max scaled variable, averaged over sequences from
uniform initial conditions in [0, 1)³, in cycles per sample — what the network
sees per step. Draws one panel per variable (x, y, z) with the three sources,
and prints per source the spectral centroid, the median frequency (half the
power below it) and the 90 % frequency, averaged over x, y and z.

    /usr/bin/python3 tools/sep_spectra.py OUT.png [--build build] [--preset paper]
                                                  [--sequences 16] [--set key=value]...

The sampling comes from the program itself (mimod-train --print-config), so
the figure shows what a trial is given. The integration is the same classical
RK4 with sep_rk4_substeps steps per sample as src/task_sep.c, in NumPy (the
spectra, not the bits, are the point; tests/test_tasks.c checks the C
generator's time scales). Needs numpy and matplotlib (Debian: python3-numpy
python3-matplotlib).
"""
import argparse
import subprocess

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def lorenz(s):
    x, y, z = s
    return np.array([10.0 * (y - x), x * (28.0 - z) - y, x * y - 8.0 / 3.0 * z])


def rossler(s):
    x, y, z = s
    return np.array([-y - z, x + 0.2 * y, 0.2 + z * (x - 5.7)])


def chen(s):
    x, y, z = s
    return np.array([35.0 * (y - x), (28.0 - 35.0) * x - x * z + 28.0 * y, x * y - 3.0 * z])


def integrate(f, ic, n, dt, sub):
    """ic [3][B] -> raw [n][3][B], RK4 with `sub` steps per sample."""
    h = dt / sub
    s = ic.copy()
    out = np.empty((n,) + s.shape)
    out[0] = s
    for t in range(1, n):
        for _ in range(sub):
            k1 = f(s)
            k2 = f(s + 0.5 * h * k1)
            k3 = f(s + 0.5 * h * k2)
            k4 = f(s + h * k3)
            s = s + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        out[t] = s
    return out


def config(build, preset, sets):
    cmd = [f"{build}/src/cli/mimod-train", "--set", "task=sep", "--set", f"preset={preset}",
           "--set", "sep_sources=3"]
    for kv in sets:
        cmd += ["--set", kv]
    cmd.append("--print-config")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    c = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            k, _, v = line.partition(":")
            c[k.strip()] = v.strip()
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--build", default="build")
    ap.add_argument("--preset", default="paper")
    ap.add_argument("--sequences", type=int, default=16)
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    a = ap.parse_args()
    c = config(a.build, a.preset, a.set)
    n, drop, sub = int(c["sep_n_samples"]), int(c["sep_n_drop"]), int(c["sep_rk4_substeps"])
    lz = float(c["lorenz_tmax"])
    sources = [("Lorenz", lorenz, lz), ("Rössler", rossler, float(c["rossler_tmax"])),
               ("Chen", chen, float(c["chen_time_scale"]) * lz)]
    rng = np.random.default_rng(27)
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    colours = ["tab:blue", "tab:orange", "tab:green"]
    print(f"preset {a.preset}: {n} samples, {drop} dropped, {sub} RK4 substeps, "
          f"{a.sequences} sequences per source")
    print("| source | t_max | step | centroid | median | 90 % | (cycles per sample, mean of x, y, z) |")
    print("|---|---|---|---|---|---|---|")
    for (name, f, tmax), col in zip(sources, colours):
        raw = integrate(f, rng.random((3, a.sequences)), n, tmax / (n - 1), sub)
        lo, hi = raw.min(axis=0), raw.max(axis=0)
        seg = (raw[drop:] - lo) / (hi - lo)
        seg = seg - seg.mean(axis=0)
        win = np.hanning(seg.shape[0])[:, None, None]
        power = (np.abs(np.fft.rfft(seg * win, axis=0)) ** 2).mean(axis=-1)  # [freq][3]
        freq = np.fft.rfftfreq(seg.shape[0])
        cum = np.cumsum(power, axis=0) / power.sum(axis=0)
        centroid = (power * freq[:, None]).sum(axis=0) / power.sum(axis=0)
        median = np.array([freq[np.searchsorted(cum[:, v], 0.5)] for v in range(3)])
        q90 = np.array([freq[np.searchsorted(cum[:, v], 0.9)] for v in range(3)])
        print(f"| {name} | {tmax:g} | {tmax / (n - 1):.5g} | {centroid.mean():.4f} | "
              f"{median.mean():.4f} | {q90.mean():.4f} | |")
        for v in range(3):
            ax = axes[v]
            ax.loglog(freq[1:], power[1:, v] / power[1:, v].sum(), color=col, lw=1,
                      label=f"{name} (t_max {tmax:g})")
            ax.axvline(centroid[v], color=col, ls=":", lw=1)
    for v, ax in enumerate(axes):
        ax.set_title(f"variable {'xyz'[v]}, min–max scaled")
        ax.set_xlabel("frequency (cycles per sample)")
        ax.set_xlim(1e-4, 0.5)
        ax.set_ylim(1e-16, 1)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(loc="lower left", fontsize=8)
    axes[0].set_ylabel("share of the variable's power")
    fig.suptitle(f"SEP sources at the {a.preset} preset's sampling ({n} samples, first {drop} "
                 f"dropped; mean of {a.sequences} sequences; dotted: spectral centroid)")
    fig.savefig(a.out, dpi=90)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
