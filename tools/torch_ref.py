#!/usr/bin/python3
"""torch_ref.py — a PyTorch reference of mimod's SM and MM steps, timed in the
same run as mimod-bench (tools/bench.sh) so docs/performance.md can report
same-run ratios instead of numbers measured elsewhere.

It does the work of one SM step and one MM step of src/trial.c at the sizes of
a mimod configuration (`mimod-train --print-config`), with the same model
equations (SPEC §2-§4), the same batch and sequence sizes, the same statistics
network (joint and marginal halves, X·Wxᵀ shared by both, y_π(i) gathered and
then multiplied), the same optimisers and clipping. Where it differs from
mimod (random streams, the data pipeline in NumPy, autograd instead of
hand-written backward passes) is listed in docs/performance.md.

PyTorch is optional: without it this prints why and exits with status 3
(tools/bench.sh then reports mimod alone). Debian 12: apt-get install
python3-torch, run with /usr/bin/python3.
"""
import argparse
import math
import os
import statistics
import sys
import time

EXIT_NO_TORCH = 3

USAGE_EPILOG = """\
output: per task, seconds per SM step (split into the data pass that makes the
batch and the statistics-network update, as mimod-bench splits it) and per MM
step, min and median over the timed steps after the warm-up, the update's
GFLOP/s on the SPEC §8 model 12·n·H² + 6·n·(d1+d2)·H, the OpenBLAS kernel and
thread count in use, and one line starting with RESULT for tools/bench.sh.

exit status: 0 done, 1 error, 2 bad arguments, 3 PyTorch not installed.

example (what tools/bench.sh does):
  build/src/cli/mimod-train --set task=sep --set preset=paper --print-config > sep.yaml
  OPENBLAS_CORETYPE=SkylakeX tools/torch_ref.py --config sep.yaml --threads 1
"""


def die(msg):
    print(f"torch_ref.py: {msg}", file=sys.stderr)
    sys.exit(1)


# ------------------------------------------------------------ configuration

def read_config(path):
    """The flat `key: value` YAML of `mimod-train --print-config`."""
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as e:
        die(f"cannot read the configuration {path}: {e.strerror}")
    cfg = {}
    for ln, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, val = line.partition(":")
        if not sep:
            die(f"{path}:{ln}: expected 'key: value' (the output of mimod-train --print-config), "
                f"got {line!r}")
        cfg[key.strip()] = val.strip()
    return Config(cfg, path)


class Config:
    def __init__(self, kv, path):
        self.kv, self.path = kv, path

    def _raw(self, key):
        if key not in self.kv:
            die(f"{self.path}: key '{key}' missing (write the file with mimod-train --print-config)")
        return self.kv[key]

    def str(self, key):
        return self._raw(key)

    def int(self, key):
        try:
            return int(self._raw(key))
        except ValueError:
            die(f"{self.path}: key '{key}': '{self._raw(key)}' is not an integer")

    def float(self, key):
        try:
            return float(self._raw(key))
        except ValueError:
            die(f"{self.path}: key '{key}': '{self._raw(key)}' is not a number")

    def bool(self, key):
        v = self._raw(key)
        if v not in ("true", "false"):
            die(f"{self.path}: key '{key}': '{v}' is not true or false")
        return v == "true"


# ------------------------------------------------------------ data (NumPy)

def wm_batch(np, rng, c, B, T):
    """x [T][B][4], target [T][B][2] of SPEC §2: pulses of pulse_len steps
    starting with probability pulse_prob, the latent bits, the clipped ramp."""
    p, plen, ramp = c.float("pulse_prob"), c.int("pulse_len"), c.float("ramp_step")
    starts = rng.random((T, B, 4)) < p
    cum = np.cumsum(starts, axis=0, dtype=np.int32)
    active = cum.copy()
    active[plen:] -= cum[:-plen]  # a start within the last pulse_len steps
    x = (active > 0).astype(np.float32)
    ev = np.where(starts[:, :, 0::2], 1, np.where(starts[:, :, 1::2], -1, 0)).astype(np.int8)
    last = np.where(ev != 0, np.arange(T)[:, None, None], -1)
    last = np.maximum.accumulate(last, axis=0)
    bit = np.where(last >= 0, np.take_along_axis(ev, np.maximum(last, 0), axis=0), -1)
    target = np.empty((T, B, 2), dtype=np.float32)
    y = np.zeros((B, 2))
    step = ramp * bit
    for t in range(T):  # the clip makes the ramp a recurrence
        y = np.clip(y + step[t], -1.0, 1.0)
        target[t] = y
    return x, target


def sep_batch(np, rng, c, B):
    """x [L][B][3], target [L][B][6] of SPEC §3: Lorenz and Rössler from
    uniform initial conditions, fixed-step RK4 with sep_rk4_substeps steps per
    sample in double, min-max scaled over all samples, the first n_drop
    dropped. The 6 variables of all B sequences are one [6][B] array, the two
    systems' step sizes folded into one linear + bilinear right-hand side, so
    each RK4 stage is a handful of NumPy calls."""
    n, n_drop = c.int("sep_n_samples"), c.int("sep_n_drop")
    sub = max(1, c.int("sep_rk4_substeps"))
    h = np.array([c.float("lorenz_tmax")] * 3 + [c.float("rossler_tmax")] * 3) / (n - 1) / sub
    sg, rho, beta, a, b, cc = 10.0, 28.0, 8.0 / 3.0, 0.2, 0.2, 5.7
    # d/dt s = M s + k + q ⊙ (s[P] ⊙ s[Q]); rows: Lorenz x y z, Rössler x y z
    M = np.array([[-sg, sg, 0, 0, 0, 0], [rho, -1, 0, 0, 0, 0], [0, 0, -beta, 0, 0, 0],
                  [0, 0, 0, 0, -1, -1], [0, 0, 0, 1, a, 0], [0, 0, 0, 0, 0, -cc]]) * h[:, None]
    k = (np.array([0, 0, 0, 0, 0, b]) * h)[:, None]
    q = (np.array([0, -1, 1, 0, 0, 1]) * h)[:, None]
    P, Q = [0, 0, 0, 0, 0, 3], [0, 2, 1, 0, 0, 5]

    def f(s):
        return M @ s + k + q * (s[P] * s[Q])

    s = rng.random((6, B))
    raw = np.empty((n, 6, B))
    raw[0] = s
    for t in range(1, n):
        for _ in range(sub):
            k1 = f(s)
            k2 = f(s + 0.5 * k1)
            k3 = f(s + 0.5 * k2)
            k4 = f(s + k3)
            s = s + (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
        raw[t] = s
    lo, hi = raw.min(axis=0), raw.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    target = ((raw[n_drop:] - lo) / span).astype(np.float32).transpose(0, 2, 1).copy()
    x = target[:, :, :3] + target[:, :, 3:]
    return x, target


# ------------------------------------------------------------ the reference

class Reference:
    def __init__(self, torch, np, c):
        self.torch, self.np, self.c = torch, np, c
        F = torch.nn.functional
        self.F = F
        self.task = c.str("task")
        if self.task not in ("wm", "sep"):
            die(f"{c.path}: task '{self.task}' is neither wm nor sep")
        self.wm = self.task == "wm"
        seed = c.int("seed")
        torch.manual_seed(seed)
        self.rng = np.random.default_rng(seed)
        self.N, self.B = c.int("n_units"), c.int("batch")
        self.half = self.N // 2
        self.n_in, self.n_out = (4, 2) if self.wm else (3, 6)
        self.T_trans = c.int("transient") if self.wm else 0
        self.L = c.int("seq_len") if self.wm else c.int("sep_n_samples") - c.int("sep_n_drop")
        self.n = self.L * self.B
        H = c.int("sm_hidden")
        self.H = H
        N = self.N

        def glorot(rows, cols):  # a [fan_out][fan_in] kernel
            lim = math.sqrt(6.0 / (rows + cols))
            return (torch.rand(rows, cols) * 2 - 1) * lim

        def param(t):
            return torch.nn.Parameter(t.contiguous())

        # main model (SPEC §2 / §3 init)
        if self.wm:
            self.mm = {"w_in": param(glorot(N, self.n_in)),
                       "w_rec": param(torch.randn(N, N) * c.float("w_rec_init_scale") / math.sqrt(N)),
                       "b": param(torch.zeros(N))}
            self.mm_l2 = {"w_in": 1.0, "w_rec": 1.0}
        else:
            qm, _ = torch.linalg.qr(torch.randn(3 * N, N))  # semi-orthogonal [3N][N]
            self.mm = {"w_x": param(glorot(3 * N, self.n_in)), "u": param(qm), "b": param(torch.zeros(3 * N))}
            self.mm_l2 = {"w_x": 1.0, "u": 1.0}
        self.mm["w_out"] = param(glorot(self.n_out, N))
        self.mm["b_out"] = param(torch.zeros(self.n_out))
        self.mm_l2["w_out"] = c.float("out_l2_factor")
        # statistics network (SPEC §4): wx and wy separate tensors, as in mimod's layout
        self.sm = {"wx": param(glorot(H, self.half)), "wy": param(glorot(H, N - self.half)),
                   "b1": param(torch.zeros(H)), "w2": param(glorot(H, H)), "b2": param(torch.zeros(H)),
                   "w3": param(glorot(1, H))}
        if c.bool("sm_out_bias"):
            self.sm["b3"] = param(torch.zeros(1))
        act = c.str("sm_activation")
        if act == "relu":
            self.act = F.relu
        elif act == "leaky_relu":
            slope = c.float("sm_leaky_slope")
            self.act = lambda z: F.leaky_relu(z, slope)
        else:
            die(f"{c.path}: sm_activation '{act}' is neither relu nor leaky_relu")
        self.mm_opt, self.mm_clip = self.optimiser("mm", list(self.mm.values()))
        self.sm_opt, self.sm_clip = self.optimiser("sm", list(self.sm.values()))

    def optimiser(self, who, params):
        c, torch = self.c, self.torch
        kind, lr, eps = c.str(f"{who}_optimizer"), c.float(f"{who}_lr"), c.float(f"{who}_eps")
        if kind == "rmsprop":  # v starts at 0, ε outside the root: as Keras and mimod
            opt = torch.optim.RMSprop(params, lr=lr, alpha=c.float(f"{who}_rho"), eps=eps)
        elif kind == "adam":
            opt = torch.optim.Adam(params, lr=lr, betas=(c.float(f"{who}_beta1"), c.float(f"{who}_beta2")),
                                   eps=eps)
        else:
            die(f"{c.path}: {who}_optimizer '{kind}' is neither rmsprop nor adam")
        return opt, (c.float(f"{who}_clipnorm"), c.float(f"{who}_clipvalue"), params)

    def clip(self, how):
        clipnorm, clipvalue, params = how
        nn = self.torch.nn.utils
        if clipnorm > 0:  # each tensor on its own (tf.clip_by_norm), as mimod
            for p in params:
                nn.clip_grad_norm_(p, clipnorm)
        if clipvalue > 0:
            nn.clip_grad_value_(params, clipvalue)

    # ---- the main models

    def leaky(self, x, h0, xi, track):
        """x [T][B][4], xi [T][B][N] → (last h, r [T][B][N]); input products of
        all steps in one GEMM (as mimod)."""
        torch, p, c = self.torch, self.mm, self.c
        alpha = c.float("alpha")
        inside = c.bool("noise_inside_alpha")
        with torch.set_grad_enabled(track):
            inp = self.F.linear(x, p["w_in"], p["b"])
            w_rec_t = p["w_rec"].t()
            h, r, rs = h0, torch.tanh(h0), []
            # unbind, not inp[t]: the backward of indexing would build a zero
            # tensor of inp's full size for every step (quadratic in T)
            for inp_t, xi_t in zip(inp.unbind(0), xi.unbind(0)):
                pre = torch.addmm(inp_t, r, w_rec_t)
                if inside:
                    h = (1 - alpha) * h + alpha * (pre + xi_t)
                else:
                    h = (1 - alpha) * h + alpha * pre + xi_t
                r = torch.tanh(h)
                rs.append(r)
            return h, torch.stack(rs)

    def gru(self, x, h0, track):
        """x [T][B][3] → h [T][B][N], SPEC §3 (reset before by default); the
        input products of all steps in one GEMM per block (as mimod), z and r
        in one GEMM per step. Per-step tensors come from unbind and chunk,
        whose backward is one stack or cat, not one zero-filled tensor per
        slice."""
        torch, F, p, N = self.torch, self.F, self.mm, self.N
        with torch.set_grad_enabled(track):
            w_x, u, b = p["w_x"], p["u"], p["b"]
            gx_zr = F.linear(x, w_x[: 2 * N], b[: 2 * N]).unbind(0)
            gx_h = F.linear(x, w_x[2 * N:], b[2 * N:]).unbind(0)
            after = self.c.bool("gru_reset_after")
            u_zr_t, u_h_t = u[: 2 * N].t(), u[2 * N:].t()
            h, hs = h0, []
            for g_zr, g_h in zip(gx_zr, gx_h):
                if not after:
                    z, r = torch.sigmoid(torch.addmm(g_zr, h, u_zr_t)).chunk(2, 1)
                    cand = torch.tanh(torch.addmm(g_h, r * h, u_h_t))
                else:
                    z, r = torch.sigmoid(torch.addmm(g_zr, h, u_zr_t)).chunk(2, 1)
                    cand = torch.tanh(g_h + r * (h @ u_h_t))
                h = torch.lerp(h, cand, z)  # (1 − z) h + z h̃
                hs.append(h)
            return torch.stack(hs)

    def batch(self, random_h0, track):
        """One batch and the main model's pass over it: (learned activity
        [L·B][N], learned target [L][B][K])."""
        torch, np, c, B, N = self.torch, self.np, self.c, self.B, self.N
        h0 = torch.randn(B, N) if random_h0 else torch.zeros(B, N)
        t0 = time.perf_counter()
        if self.wm:
            T = self.T_trans + self.L
            x, target = wm_batch(np, self.rng, c, B, T)
            self.gen_seconds = time.perf_counter() - t0
            x = torch.from_numpy(x)
            xi = torch.randn(T, B, N) * c.float("noise_std")
            h_start = h0
            if self.T_trans > 0:  # transient without gradient
                h_start, _ = self.leaky(x[: self.T_trans], h0, xi[: self.T_trans], False)
            _, act = self.leaky(x[self.T_trans:], h_start, xi[self.T_trans:], track)
            target = torch.from_numpy(target[self.T_trans:])
        else:
            x, target = sep_batch(np, self.rng, c, B)
            self.gen_seconds = time.perf_counter() - t0
            act = self.gru(torch.from_numpy(x), h0, track)
            target = torch.from_numpy(target)
        return act.reshape(self.n, N), target

    # ---- the statistics network

    def mine_inputs(self, act):
        """MINE input noise (before shuffling, SPEC §7) and a fresh permutation."""
        torch = self.torch
        noisy = act + torch.randn(act.shape) * self.c.float("sm_noise_std")
        return noisy, torch.randperm(self.n)

    def mine(self, noisy, perm):
        """Î = mean T(x_i, y_i) − log mean exp T(x_i, y_π(i)); x·Wxᵀ once for both
        halves, y_π(i) gathered then multiplied, both halves stacked for layer 2."""
        torch, F, s, act = self.torch, self.F, self.sm, self.act
        x, y = noisy[:, : self.half], noisy[:, self.half:]
        xw = F.linear(x, s["wx"], s["b1"])
        h_joint = act(xw + F.linear(y, s["wy"]))
        h_marg = act(xw + F.linear(y[perm], s["wy"]))
        h2 = act(F.linear(torch.cat([h_joint, h_marg]), s["w2"], s["b2"]))
        t = F.linear(h2, s["w3"], s.get("b3")).squeeze(1)
        n = self.n
        return t[:n].mean() - (torch.logsumexp(t[n:], 0) - math.log(n))

    # ---- the steps

    def sm_data(self):
        with self.torch.no_grad():
            act, _ = self.batch(False, False)  # h0 = 0 for SM steps
            return self.mine_inputs(act)

    def sm_update(self, data):
        noisy, perm = data
        self.sm_opt.zero_grad(set_to_none=True)
        mi = self.mine(noisy, perm)
        (-mi).backward()  # maximise Î
        self.clip(self.sm_clip)
        self.sm_opt.step()
        return float(mi)

    def mm_step(self):
        torch, c = self.torch, self.c
        self.mm_opt.zero_grad(set_to_none=True)
        act, target = self.batch(self.wm, True)  # random h0 in WM (SPEC §2), 0 in SEP
        y = self.F.linear(act, self.mm["w_out"], self.mm["b_out"]).reshape(self.L, self.B, self.n_out)
        task = ((y[c.int("loss_skip"):] - target[c.int("loss_skip"):]) ** 2).mean()
        reg = sum(f * 0.5 * (self.mm[k] ** 2).sum() for k, f in self.mm_l2.items())
        lam_i = c.float("lambda_I")
        for p in self.sm.values():  # the SM is frozen: gradients reach only the inputs
            p.requires_grad_(False)
        noisy, perm = self.mine_inputs(act)
        with torch.set_grad_enabled(lam_i > 0):
            mi = self.mine(noisy, perm)
        for p in self.sm.values():
            p.requires_grad_(True)
        loss = task + c.float("lambda_reg") * reg + (lam_i * mi if lam_i > 0 else 0.0)
        loss.backward()
        self.clip(self.mm_clip)
        self.mm_opt.step()
        return float(loss)


# ------------------------------------------------------------ driver

def openblas_info():
    """(kernel name, threads) of the OpenBLAS this process loaded, via its own
    openblas_get_corename(); (None, None) if none is mapped (then PyTorch does
    not use OpenBLAS and the comparison would not be like for like)."""
    import ctypes
    path = None
    with open("/proc/self/maps") as maps:
        for line in maps:
            if "libopenblas" in line:
                path = line.split()[-1]
                break
    if not path:
        return None, None, None
    lib = ctypes.CDLL(path)
    lib.openblas_get_corename.restype = ctypes.c_char_p
    return lib.openblas_get_corename().decode(), lib.openblas_get_num_threads(), path


def summary(v):
    return min(v), statistics.median(v)


def main():
    ap = argparse.ArgumentParser(
        prog="torch_ref.py", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="PyTorch reference of mimod's SM and MM steps at the sizes of a mimod "
                    "configuration, timed for same-run ratios (tools/bench.sh).",
        epilog=USAGE_EPILOG)
    ap.add_argument("--config", required=True, metavar="FILE",
                    help="the configuration, as printed by mimod-train --print-config ('-': stdin)")
    ap.add_argument("--sm-steps", type=int, default=3, metavar="K", help="timed SM steps (default 3)")
    ap.add_argument("--mm-steps", type=int, default=3, metavar="K", help="timed MM steps (default 3)")
    ap.add_argument("--warmup", type=int, default=1, metavar="K",
                    help="untimed SM steps and MM steps first (default 1 each)")
    ap.add_argument("--threads", type=int, default=1, metavar="N",
                    help="PyTorch intra-op and OpenBLAS threads (default 1)")
    ap.add_argument("--kernel", metavar="NAME",
                    help="OpenBLAS kernel to use (sets OPENBLAS_CORETYPE before PyTorch loads "
                         "OpenBLAS) and to check; default: whatever the environment gives")
    a = ap.parse_args()
    if a.sm_steps < 1 or a.mm_steps < 1 or a.warmup < 0 or a.threads < 1:
        ap.error("--sm-steps, --mm-steps and --threads must be ≥ 1, --warmup ≥ 0")
    c = read_config(a.config)

    # Before PyTorch loads OpenBLAS, which reads these once when it starts.
    if a.kernel:
        os.environ["OPENBLAS_CORETYPE"] = a.kernel
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    try:
        import numpy as np
        import torch
    except ImportError as e:
        print(f"torch_ref.py: no framework reference: {e.name} is not installed for {sys.executable} "
              f"(Debian 12: apt-get install python3-torch, and run /usr/bin/python3)", file=sys.stderr)
        sys.exit(EXIT_NO_TORCH)
    torch.set_num_threads(a.threads)
    kernel, blas_threads, blas_path = openblas_info()
    if kernel is None:
        die("this PyTorch does not load OpenBLAS, so its products would not run on mimod's kernels; "
            f"torch.__config__.show() says: {torch.__config__.show().strip()}")
    if a.kernel and kernel.lower() != a.kernel.lower():
        die(f"asked for OpenBLAS kernel {a.kernel} but {blas_path} runs {kernel}")

    ref = Reference(torch, np, c)
    task = ref.task
    print(f"torch_ref.py: PyTorch {torch.__version__}, {a.threads} thread(s) "
          f"(OpenBLAS {blas_threads}), OpenBLAS kernel {kernel} ({blas_path})")
    print(f"[{task}] N={ref.N} B={ref.B} L={ref.L}: n={ref.n} samples, H={ref.H}")
    sys.stdout.flush()

    data_s, upd_s, mm_s, gen_s = [], [], [], []
    for i in range(a.warmup + a.sm_steps):
        t0 = time.perf_counter()
        d = ref.sm_data()
        t1 = time.perf_counter()
        mi = ref.sm_update(d)
        t2 = time.perf_counter()
        del d
        if not math.isfinite(mi):
            die(f"[{task}] SM step {i}: Î = {mi} is not finite")
        if i >= a.warmup:
            gen_s.append(ref.gen_seconds)
            data_s.append(t1 - t0)
            upd_s.append(t2 - t1)
    for i in range(a.warmup + a.mm_steps):
        t0 = time.perf_counter()
        loss = ref.mm_step()
        dt = time.perf_counter() - t0
        if not math.isfinite(loss):
            die(f"[{task}] MM step {i}: loss = {loss} is not finite")
        if i >= a.warmup:
            mm_s.append(dt)
    sm_s = [d + u for d, u in zip(data_s, upd_s)]
    n, H, N = ref.n, ref.H, ref.N
    flops = 12.0 * n * H * H + 6.0 * n * N * H
    (dmin, dmed), (umin, umed) = summary(data_s), summary(upd_s)
    (smin, smed), (mmin, mmed) = summary(sm_s), summary(mm_s)
    n_sm = c.int("n_sm_pre") + c.int("n_mm_steps") * c.int("n_sm_per_mm")
    n_mm = c.int("n_mm_steps")
    print(f"  SM update (T fwd+bwd+optimiser): {umed:8.3f} s (min {umin:.3f})  "
          f"{flops / umed / 1e9:7.1f} GFLOP/s")
    print(f"  SM data (MM pass making the batch): {dmed:8.3f} s (min {dmin:.3f}, "
          f"{100 * dmed / (dmed + umed):.0f} % of the SM step; of which the task's sequences "
          f"in NumPy {statistics.median(gen_s):.3f} s)")
    print(f"  SM step total: {smed:8.3f} s (min {smin:.3f})   MM step: {mmed:8.3f} s (min {mmin:.3f})")
    print(f"  projected trial ({n_sm} SM + {n_mm} MM steps, without records): "
          f"{(n_sm * smed + n_mm * mmed) / 3600:.2f} h")
    print(f"RESULT impl=torch task={task} kernel={kernel} threads={a.threads} "
          f"sm_data_min={dmin:.6g} sm_data_med={dmed:.6g} sm_upd_min={umin:.6g} sm_upd_med={umed:.6g} "
          f"sm_min={smin:.6g} sm_med={smed:.6g} mm_min={mmin:.6g} mm_med={mmed:.6g} "
          f"n_sm_trial={n_sm} n_mm_trial={n_mm} sm_gen_med={statistics.median(gen_s):.6g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
