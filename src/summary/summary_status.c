/* summary_status.c — the status table of a result file (summary_status.h). */
#include "mimod/summary_status.h"
#include "mimod/makespan.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void fmt_hms(double s, char *buf, size_t n) {
    if (!isfinite(s) || s < 0) {
        snprintf(buf, n, "-");
        return;
    }
    long t = (long)(s + 0.5);
    snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

int64_t summary_status_step(const summary_task *t, int64_t p) {
    int32_t k = t->records_done ? t->records_done[p] : 0;
    return k > 0 ? t->record_step[k - 1] : -1;
}

/* The latest value of table quantity q of point p (NaN before the first record). */
static double latest(const summary_task *t, int q, int64_t p) {
    int32_t k = t->records_done ? t->records_done[p] : 0;
    if (k <= 0) return NAN;
    size_t P = (size_t)t->n_points, R = (size_t)t->n_records;
    return t->timecourse[((size_t)q * P + (size_t)p) * R + (size_t)(k - 1)];
}

static void label_of(const summary_task *t, int64_t p, char *buf, size_t n) {
    buf[0] = '\0';
    for (int a = 0; a < t->n_axes; a++) {
        size_t len = strlen(buf);
        double v = t->coords[(size_t)a * (size_t)t->n_points + (size_t)p];
        if (strcmp(t->axis_names[a], "seed") == 0 && t->seeds)
            snprintf(buf + len, n - len, "%sseed=%llu", a ? " " : "",
                     (unsigned long long)t->seeds[p]);
        else
            snprintf(buf + len, n - len, "%s%s=%g", a ? " " : "", t->axis_names[a], v);
    }
}

void summary_status_print(FILE *out, const summary_task *t) { summary_status_print_run(out, t, 1); }

void summary_status_print_run(FILE *out, const summary_task *t, int run_alive) {
    int64_t P = t->n_points, S = t->n_mm_steps;
    int count[4] = {0}, stopped = 0;
    double wall_done = 0, eta_running = 0;
    int n_estimated = 0; /* running points with a record: an estimate of their end */
    fprintf(out, "/%s: %lld points, %lld MM steps, %lld records each\n", t->name, (long long)P,
            (long long)S, (long long)t->n_records);
    fprintf(out, "%6s  %-8s %13s %7s %10s %8s %8s %8s %10s %10s  %s\n", "point", "status", "MM step",
            "records", "task_loss", "Q_cor", "Q_str", "MI", "elapsed", "ETA", "point's axes");
    for (int64_t p = 0; p < P; p++) {
        int st = t->status[p];
        /* "running" in the file, but no run is writing it: it was killed */
        int halted = st == RESULTS_RUNNING && !run_alive;
        if (st >= 0 && st < 4 && !halted) count[st]++;
        stopped += halted;
        int64_t step = summary_status_step(t, p);
        double wall = t->wall_seconds ? t->wall_seconds[p] : NAN;
        double eta = NAN;
        if (st == RESULTS_RUNNING && !halted && isfinite(wall)) {
            double own = makespan_point_remaining(wall, (long long)step, (long long)S);
            if (own >= 0) {
                eta = own;
                if (eta > eta_running) eta_running = eta;
                n_estimated++;
            }
        }
        if (st == RESULTS_DONE && isfinite(wall)) wall_done += wall;
        if (st == RESULTS_DONE) eta = 0;
        char stepbuf[32], el[32], etab[32], label[512];
        if (step >= 0) snprintf(stepbuf, sizeof stepbuf, "%lld/%lld", (long long)step, (long long)S);
        else snprintf(stepbuf, sizeof stepbuf, "-/%lld", (long long)S);
        fmt_hms(st == RESULTS_PENDING ? NAN : wall, el, sizeof el);
        fmt_hms(eta, etab, sizeof etab);
        label_of(t, p, label, sizeof label);
        fprintf(out, "%6lld  %-8s %13s %7d %10.4f %8.4f %8.4f %8.4f %10s %10s  %s\n", (long long)p,
                halted ? "stopped" : schema_status_name(st), stepbuf, t->records_done ? t->records_done[p] : 0,
                latest(t, SQ_TASK_LOSS, p), latest(t, SQ_Q_COR, p), latest(t, SQ_Q_STR, p),
                latest(t, SQ_MI, p), el, etab, label);
        if (st == RESULTS_FAILED && t->fail_reason && t->fail_reason[p][0])
            fprintf(out, "%6s  failed at MM step %lld: %s\n", "", (long long)t->fail_step[p],
                    t->fail_reason[p]);
    }
    fprintf(out, "/%s: %d done, %d running, %d failed, %d pending", t->name, count[RESULTS_DONE],
            count[RESULTS_RUNNING], count[RESULTS_FAILED], count[RESULTS_PENDING]);
    if (stopped)
        fprintf(out, ", %d stopped (running when the run ended without finishing them: rerun it to "
                "resume them)", stopped);
    if (count[RESULTS_RUNNING] && n_estimated == 0) {
        fprintf(out, "; running points: no record yet, no estimate of their end");
    } else if (count[RESULTS_RUNNING]) {
        char b[32];
        fmt_hms(eta_running, b, sizeof b);
        fprintf(out, "; running points end in %s", b);
        if (n_estimated < count[RESULTS_RUNNING])
            fprintf(out, " (%d of %d with a record)", n_estimated, count[RESULTS_RUNNING]);
    }
    if (run_alive && count[RESULTS_PENDING] && count[RESULTS_DONE]) {
        /* the pending points at the finished ones' mean time, as many at once as run now */
        int lanes = count[RESULTS_RUNNING] > 0 ? count[RESULTS_RUNNING] : 1;
        char b[32];
        fmt_hms(eta_running + wall_done / count[RESULTS_DONE] * count[RESULTS_PENDING] / lanes, b,
                sizeof b);
        fprintf(out, "; the task ends in about %s", b);
    }
    fprintf(out, "\n(times are training time as of each point's last record written)\n\n");
}
