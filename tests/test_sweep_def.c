/* test_sweep_def — sweep definitions (sweep_def.c): grid expansion (order,
 * counts, per-task axes, seed ranges), the hash (blind to layout and comments,
 * sensitive to values), the cost model against SPEC §8's figures, and every
 * refusal with its file:line:column. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "check.h"
#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/cost.h"
#include "mimod/sweep.h"

static const char *tmp = "test_sweep_def.yaml";

static int load_text(const char *text, sweep_def *s, mimod_err *err) {
    FILE *f = fopen(tmp, "w");
    fputs(text, f);
    fclose(f);
    return sweep_load(tmp, s, err);
}

/* The text must be refused with a message containing `where` and `what`. */
static void refused(const char *text, const char *where, const char *what) {
    sweep_def s;
    mimod_err err = {0};
    int rc = load_text(text, &s, &err);
    CHECK(rc != MIMOD_OK, "accepted: %s", text);
    if (rc == MIMOD_OK) { sweep_free(&s); return; }
    char loc[64];
    snprintf(loc, sizeof loc, "%s:%s", tmp, where);
    CHECK(strstr(err.msg, loc) != NULL, "message lacks %s: %s", loc, err.msg);
    CHECK(strstr(err.msg, what) != NULL, "message lacks '%s': %s", what, err.msg);
}

int main(void) {
    sweep_def s;
    mimod_err err = {0};

    /* expansion: last axis fastest; seed range inclusive; per-task replacement */
    const char *good =
        "output: out.h5\n"
        "preset: tiny\n"
        "tasks: [wm, sep]\n"
        "overrides: {n_mm_steps: 4}\n"
        "task_overrides:\n"
        "  sep: {lambda_reg: 0.001}\n"
        "grid:\n"
        "  seed: {from: 3, to: 5}\n"
        "  lambda_I: [0, 0.1]\n"
        "task_grid:\n"
        "  sep: {lambda_I: [0.005]}\n";
    int rc = load_text(good, &s, &err);
    CHECK(rc == MIMOD_OK, "good sweep: %s", err.msg);
    if (rc == MIMOD_OK) {
        CHECK(s.n_tasks == 2 && !strcmp(s.output, "out.h5"), "tasks/output");
        CHECK(s.task[0].n_points == 6 && s.task[1].n_points == 3, "points %d %d",
              s.task[0].n_points, s.task[1].n_points);
        CHECK(s.task[0].coords[0 * 2 + 0] == 3 && s.task[0].coords[1 * 2 + 1] == 0.1 &&
              s.task[0].coords[5 * 2 + 0] == 5, "order: seed slow, lambda_I fast");
        mimod_config c;
        CHECK(sweep_point_config(&s, 0, 3, &c, &err) == MIMOD_OK && c.seed == 4 && c.lambda_I == 0.1 &&
              c.n_mm_steps == 4, "point config");
        CHECK(sweep_point_config(&s, 1, 2, &c, &err) == MIMOD_OK && c.seed == 5 &&
              c.lambda_I == 0.005 && c.lambda_reg == 0.001 && c.task == &mimod_task_sep, "sep point config");
        char label[256];
        sweep_point_label(&s, 0, 3, label, sizeof label);
        CHECK(strcmp(label, "seed=4 lambda_I=0.1") == 0, "label '%s'", label);
        char h1[33];
        memcpy(h1, s.hash, 33);
        sweep_free(&s);
        /* the same definition written differently: same hash */
        const char *same =
            "# a comment\n"
            "preset: tiny\n"
            "output: elsewhere.h5   # output is not part of the definition\n"
            "tasks:\n  - wm\n  - sep\n"
            "overrides:\n  n_mm_steps: 4\n"
            "task_overrides: {sep: {lambda_reg: 1e-3}}\n"
            "grid: {seed: [3, 4, 5], lambda_I: [0.0, 0.10]}\n"
            "task_grid: {sep: {lambda_I: [5e-3]}}\n";
        rc = load_text(same, &s, &err);
        CHECK(rc == MIMOD_OK, "same sweep: %s", err.msg);
        if (!rc) {
            CHECK(strcmp(h1, s.hash) == 0, "hash blind to layout: %s vs %s", h1, s.hash);
            sweep_free(&s);
        }
        const char *other =
            "output: out.h5\npreset: tiny\ntasks: [wm, sep]\noverrides: {n_mm_steps: 4}\n"
            "task_overrides:\n  sep: {lambda_reg: 0.001}\n"
            "grid:\n  seed: {from: 3, to: 5}\n  lambda_I: [0, 0.2]\n"
            "task_grid:\n  sep: {lambda_I: [0.005]}\n";
        rc = load_text(other, &s, &err);
        CHECK(rc == MIMOD_OK, "other sweep: %s", err.msg);
        if (!rc) {
            CHECK(strcmp(h1, s.hash) != 0, "hash sees a value change");
            sweep_free(&s);
        }
    }

    /* seeds are exact uint64 (issue 11: they travelled as doubles) */
    rc = load_text("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: [18446744073709551615, "
                   "9223372036854775807, 9223372036854775808, 9007199254740993]\n", &s, &err);
    CHECK(rc == MIMOD_OK && s.task[0].seeds && s.task[0].seeds[0] == UINT64_MAX &&
          s.task[0].seeds[1] == 9223372036854775807ull && s.task[0].seeds[2] == 9223372036854775808ull &&
          s.task[0].seeds[3] == 9007199254740993ull, "exact seeds: %s", err.msg);
    if (!rc) sweep_free(&s);
    rc = load_text("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: {from: 9223372036854775800, "
                   "to: 9223372036854775807}\n", &s, &err);
    CHECK(rc == MIMOD_OK && s.task[0].n_points == 8 && s.task[0].seeds[7] == 9223372036854775807ull,
          "seed range at the top of int64: %s", err.msg);
    if (!rc) sweep_free(&s);
    rc = load_text("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  seed: {from: 18446744073709551613, "
                   "to: 18446744073709551615}\n", &s, &err);
    CHECK(rc == MIMOD_OK && s.task[0].n_points == 3 && s.task[0].seeds[2] == UINT64_MAX,
          "seed range at the top of uint64: %s", err.msg);
    if (!rc) sweep_free(&s);

    /* a `task` axis instead of `tasks:` */
    rc = load_text("output: o.h5\npreset: tiny\ngrid:\n  task: [sep]\n  seed: [0, 1]\n", &s, &err);
    CHECK(rc == MIMOD_OK && s.n_tasks == 1 && s.task[0].kind == &mimod_task_sep && s.task[0].n_axes == 1 &&
          s.task[0].n_points == 2, "task axis: %s", err.msg);
    if (!rc) sweep_free(&s);

    /* cost model: SPEC §8 — WM paper ≈ 1.3e11 per SM step, ~11 000 SM steps */
    mimod_config c;
    config_preset(&c, "paper", &mimod_task_wm, &err);
    double per_sm = 12.0 * 40000 * 512 * 512 + 6.0 * 40000 * 40 * 512;
    double wm = cost_trial_flops(&c);
    CHECK(wm > 11100 * per_sm && wm < 11100 * per_sm * 1.4, "WM paper trial %.3g FLOP", wm);
    config_preset(&c, "paper", &mimod_task_sep, &err);
    double sep = cost_trial_flops(&c);
    /* 100 + 4000 × 20 SM steps (the 20-trial runner's 4000 MM steps) */
    CHECK(sep > 80100 * 1.1e11 && sep < 80100 * 1.5e11, "SEP paper trial %.3g FLOP", sep);
    CHECK(sep > wm, "SEP trials come first");

    /* K groups (issue 16): n_nets statistics networks, each on its groups' units */
    config_preset(&c, "paper", &mimod_task_wm, &err);
    double sm2 = cost_sm_update_flops(&c);
    CHECK(sm2 == per_sm, "K = 2: one network on N inputs (%.6g)", sm2);
    c.n_groups = 4; /* 6 pairs of 10 + 10 units */
    double sm4 = cost_sm_update_flops(&c);
    CHECK(sm4 == 6 * (12.0 * 40000 * 512 * 512 + 6.0 * 40000 * 20 * 512), "K = 4 pairs: 6 networks (%.6g)", sm4);
    c.mi_pairing = MI_ONE_VS_REST; /* 4 networks of 10 + 30 units */
    CHECK(cost_sm_update_flops(&c) == 4 * per_sm, "K = 4 one_vs_rest: 4 networks on N inputs");
    CHECK(cost_trial_flops(&c) > wm, "more networks cost more");

    /* The hash of a K = 2 sweep is what it was before n_groups and mi_pairing
     * existed (value from main at 9da2fe9), so its files still resume; K = 4
     * and one_vs_rest are other sweeps. The SEP presets' λ_reg and W_out
     * factor changed since (458c1e5): the task overrides give their old
     * values, so the definition is the one hashed then. */
    const char *legacy = "output: t.h5\npreset: tiny\ntasks: [wm, sep]\n"
                         "task_overrides: {sep: {lambda_reg: 0.002, out_l2_factor: 0.1}}\n"
                         "grid:\n  seed: [1, 2]\n";
    rc = load_text(legacy, &s, &err);
    CHECK(rc == MIMOD_OK && strcmp(s.hash, "f6a5020437004866d0ced7ac3ac02035") == 0,
          "K = 2 hash unchanged: %s", rc ? err.msg : s.hash);
    if (!rc) sweep_free(&s);
    rc = load_text("output: t.h5\npreset: tiny\ntasks: [wm, sep]\noverrides: {n_groups: 4}\n"
                   "task_overrides: {sep: {lambda_reg: 0.002, out_l2_factor: 0.1}}\n"
                   "grid:\n  seed: [1, 2]\n", &s, &err);
    CHECK(rc == MIMOD_OK && strcmp(s.hash, "f6a5020437004866d0ced7ac3ac02035") != 0, "K = 4: another hash");
    if (!rc) sweep_free(&s);
    rc = load_text("output: t.h5\npreset: tiny\ntasks: [wm, sep]\noverrides: {mi_pairing: one_vs_rest}\n"
                   "task_overrides: {sep: {lambda_reg: 0.002, out_l2_factor: 0.1}}\n"
                   "grid:\n  seed: [1, 2]\n", &s, &err);
    CHECK(rc == MIMOD_OK && strcmp(s.hash, "f6a5020437004866d0ced7ac3ac02035") != 0,
          "one_vs_rest: another hash");
    if (!rc) sweep_free(&s);

    /* n_groups may be a grid axis (no dataset changes shape); each point must
     * still divide N, and a point that does not is refused where it is made */
    rc = load_text("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  n_groups: [2, 4]\n", &s, &err);
    CHECK(rc == MIMOD_OK && s.task[0].n_points == 2, "n_groups axis: %s", err.msg);
    if (!rc) sweep_free(&s);

    /* refusals, each with its position */
    const char *head = "output: o.h5\npreset: tiny\ntasks: [wm]\n";
    char buf[1024];
    refused("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  n_groups: [2, 3]\n", "5:3",
            "keys 'n_units', 'n_groups': n_units (8) must be divisible by n_groups (3)");
    refused("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid:\n  mi_pairing: [pairs, one_vs_rest]\n",
            "5:16", "use separate sweep files");
    snprintf(buf, sizeof buf, "%sgrdi:\n  seed: [0]\n", head);
    refused(buf, "4:1", "did you mean 'grid'");
    snprintf(buf, sizeof buf, "%sgrid:\n  lamda_I: [0, 0.1]\n", head);
    refused(buf, "5:3", "did you mean 'lambda_I'");
    snprintf(buf, sizeof buf, "%soverrides: {n_sm_per_mn: 3}\ngrid: {seed: [0]}\n", head);
    refused(buf, "4:13", "n_sm_per_mm");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: [0]\n  lambda_I: [0, abc]\n", head);
    refused(buf, "6:17", "lambda_I");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: 3\n", head);
    refused(buf, "5:9", "expected a list");
    snprintf(buf, sizeof buf, "%sgrid: {}\n", head);
    refused(buf, "4:7", "empty");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: []\n", head);
    refused(buf, "5:9", "empty");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: {from: 5, to: 2}\n", head);
    refused(buf, "5:9", "empty");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: [0]\n  lambda_I: [0]\n  seed: [1]\n", head);
    refused(buf, "7:3", "duplicate axis");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: [0]\n  n_units: [8, 16]\n", head);
    refused(buf, "6:3", "shape");
    snprintf(buf, sizeof buf, "%sgrid:\n  seed: [0, 0]\n", head);
    refused(buf, "5:13", "twice");
    snprintf(buf, sizeof buf, "%soverrides: {lambda_I: 0.1}\ngrid:\n  lambda_I: [0]\n", head);
    refused(buf, "6:3", "both an override and an axis");
    refused("output: o.h5\ntasks: [wm, xyz]\ngrid: {seed: [0]}\n", "2:13", "wm or sep");
    refused("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\ntask_overrides: {sep: {}}\n",
            "5:18", "not in this sweep");
    refused("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\ntask_grid: {wm: {task: [wm]}}\n",
            "5:18", "cannot be an axis");
    refused("preset: tiny\ntasks: [wm]\ngrid: {seed: [0]}\n", "1:1", "output");
    refused("output: o.h5\npreset: tiny\ntasks: [wm]\ngrid: {seed: [0]\n", "", "YAML syntax");
    CHECK(sweep_load("no/such/sweep.yaml", &s, &err) != MIMOD_OK && strstr(err.msg, "no/such"),
          "missing file");

    /* --set (mimod-sweep): a fixed key overridden after the file's overrides,
     * in the hash like them and noted in the sweep's text; preset replaces the
     * file's; axes, unknown keys, bad values and a missing '=' are refused */
    {
        const char *base = "output: o.h5\npreset: tiny\ntasks: [wm]\noverrides: {n_mm_steps: 30}\n"
                           "grid:\n  seed: [0, 1]\n";
        FILE *f = fopen(tmp, "w");
        fputs(base, f);
        fclose(f);
        sweep_def a, b;
        mimod_err e = {0};
        CHECK(sweep_load_set(tmp, NULL, 0, &a, &e) == MIMOD_OK, "no --set: %s", e.msg);
        const char *sets1[] = {"n_mm_steps=40"};
        CHECK(sweep_load_set(tmp, sets1, 1, &b, &e) == MIMOD_OK, "--set n_mm_steps: %s", e.msg);
        CHECK(a.task[0].base.n_mm_steps == 30 && b.task[0].base.n_mm_steps == 40,
              "--set wins over overrides: %lld, %lld", (long long)a.task[0].base.n_mm_steps,
              (long long)b.task[0].base.n_mm_steps);
        CHECK(strcmp(a.hash, b.hash) != 0, "--set changes the hash");
        CHECK(strstr(b.text, "# --set n_mm_steps=40\n") && !strstr(a.text, "--set"),
              "--set noted in the sweep text: %s", b.text);
        sweep_free(&b);
        /* the same value as the file's: the same sweep */
        const char *sets_same[] = {"n_mm_steps=30"};
        CHECK(sweep_load_set(tmp, sets_same, 1, &b, &e) == MIMOD_OK && !strcmp(a.hash, b.hash),
              "--set to the file's value: the same hash");
        sweep_free(&b);
        const char *sets2[] = {"preset=quick"};
        CHECK(sweep_load_set(tmp, sets2, 1, &b, &e) == MIMOD_OK && !strcmp(b.task[0].base.preset, "quick") &&
                  b.task[0].base.n_mm_steps == 30,
              "--set preset=quick keeps the file's overrides: %s", e.msg);
        sweep_free(&b);
        sweep_free(&a);
        const char *bad[][2] = {{"seed=3", "grid axis"},
                                {"n_mm_step=3", "did you mean 'n_mm_steps'"},
                                {"n_mm_steps=-3", "--set n_mm_steps"},
                                {"n_mm_steps", "expected key=value"},
                                {"preset=nope", "--set preset"},
                                {"task=sep", "tasks: list"}};
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
            memset(&e, 0, sizeof e);
            const char *one[] = {bad[i][0]};
            int r = sweep_load_set(tmp, one, 1, &b, &e);
            CHECK(r != MIMOD_OK && strstr(e.msg, bad[i][1]), "--set %s: rc %d, '%s'", bad[i][0], r, e.msg);
            if (r == MIMOD_OK) sweep_free(&b);
        }
        /* two tasks: --set reaches every task's points, after task_overrides;
         * the last of a repeated key wins; an axis of one task's task_grid is
         * refused naming that task */
        const char *two = "output: o.h5\npreset: tiny\ntasks: [wm, sep]\n"
                          "task_overrides:\n  sep: {lambda_reg: 0.001}\n"
                          "grid:\n  seed: [0, 1]\ntask_grid:\n  sep: {lambda_I: [0, 0.005]}\n";
        f = fopen(tmp, "w");
        fputs(two, f);
        fclose(f);
        const char *sets3[] = {"n_mm_steps=9", "lambda_reg=0.002", "n_mm_steps=7"};
        memset(&e, 0, sizeof e);
        int r = sweep_load_set(tmp, sets3, 3, &b, &e);
        CHECK(r == MIMOD_OK, "--set on two tasks: %s", e.msg);
        if (r == MIMOD_OK) {
            mimod_config c0, c1;
            CHECK(sweep_point_config(&b, 0, 1, &c0, &e) == MIMOD_OK &&
                      sweep_point_config(&b, 1, 3, &c1, &e) == MIMOD_OK,
                  "point configs: %s", e.msg);
            CHECK(c0.n_mm_steps == 7 && c1.n_mm_steps == 7, "the last --set of a key wins, in every "
                  "task's points: %lld, %lld", (long long)c0.n_mm_steps, (long long)c1.n_mm_steps);
            CHECK(c0.lambda_reg == 0.002 && c1.lambda_reg == 0.002,
                  "--set wins over task_overrides: %g, %g", c0.lambda_reg, c1.lambda_reg);
            CHECK(c1.seed == 1 && c1.lambda_I == 0.005, "the grid is untouched by --set");
            sweep_free(&b);
        }
        const char *sets4[] = {"lambda_I=0.01"};
        memset(&e, 0, sizeof e);
        r = sweep_load_set(tmp, sets4, 1, &b, &e);
        CHECK(r != MIMOD_OK && strstr(e.msg, "--set lambda_I=0.01") && strstr(e.msg, "grid axis") &&
                  strstr(e.msg, "task sep"),
              "--set of a task_grid axis: rc %d, '%s'", r, e.msg);
        if (r == MIMOD_OK) sweep_free(&b);
    }

    /* output checks */
    CHECK(sweep_check_output("no_such_dir/x.h5", &err) != MIMOD_OK && strstr(err.msg, "no_such_dir"),
          "missing directory: %s", err.msg);
    CHECK(sweep_check_output("ok.h5", &err) == MIMOD_OK, "writable cwd");
    unlink(tmp);
    return check_report("test_sweep_def");
}
