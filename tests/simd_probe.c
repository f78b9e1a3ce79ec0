/* simd_probe.c — runs tiny WM and SEP trials (both GRU variants, both MINE
 * activations) and writes every number they produce — final main-model
 * weights, the time courses, per-step losses and Î — as raw bytes to the file
 * given. Built twice: against the engine as shipped (MIMOD_SIMD_CLONES: the
 * CPU's widest clone runs) and against an engine built with
 * -DMIMOD_NO_SIMD_CLONES (baseline SSE2 only). test_simd_clones.sh compares
 * the two files byte for byte: a trial's bits must not depend on the CPU's
 * vector width (docs/design.md, determinism). */
#include <stdio.h>
#include <stdlib.h>

#include "mimod/task_sep.h"
#include "mimod/task_wm.h"
#include "mimod/config.h"
#include "mimod/trial.h"

static int run(FILE *out, const mimod_task *task, const char *const *sets, int n_sets) {
    mimod_config c;
    mimod_err err = {0};
    trial *t = NULL;
    int rc = config_preset(&c, "tiny", task, &err);
    for (int i = 0; !rc && i < n_sets; i += 2) rc = config_set(&c, sets[i], sets[i + 1], "probe", &err);
    if (!rc) rc = trial_create(&c, &t, &err);
    if (!rc) rc = trial_run(t, NULL, &err);
    if (rc) {
        fprintf(stderr, "simd_probe: %s\n", err.msg);
        trial_free(t);
        return 1;
    }
    const trial_results *r = trial_get_results(t);
    fwrite(trial_mm_params(t), sizeof(real), trial_mm_layout(t)->n_params, out);
    for (int q = 0; q < TC_COUNT; q++) fwrite(r->tc[q], sizeof(double), (size_t)r->n_done, out);
    fwrite(r->train_loss, sizeof(double), (size_t)c.n_mm_steps, out);
    fwrite(r->train_mi, sizeof(double), (size_t)c.n_mm_steps, out);
    fwrite(r->corr, sizeof(double), (size_t)c.n_units * (size_t)c.n_units, out);
    trial_free(t);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: simd_probe OUT.bin\n");
        return 2;
    }
    FILE *out = fopen(argv[1], "wb");
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    static const char *const wm[] = {"n_mm_steps", "40", "lambda_I", "0.5"};
    static const char *const sep_before[] = {"n_mm_steps", "20", "lambda_I", "0.5",
                                             "gru_reset_after", "false"};
    static const char *const sep_after[] = {"n_mm_steps", "20", "lambda_I", "0.5",
                                            "gru_reset_after", "true", "sm_activation", "relu"};
    int rc = run(out, &mimod_task_wm, wm, 4) || run(out, &mimod_task_sep, sep_before, 6) ||
             run(out, &mimod_task_sep, sep_after, 8);
    if (fclose(out) != 0) rc = 1;
    return rc;
}
