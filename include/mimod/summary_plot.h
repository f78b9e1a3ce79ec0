/* summary_plot.h — the figures, with PLplot (src/summary/summary_plot.c).
 * Part of mimod-summary (summary.h gathers the parts). */
#ifndef MIMOD_SUMMARY_PLOT_H
#define MIMOD_SUMMARY_PLOT_H

#include <stdint.h>
#include "mimod/summary_report.h"

/* ------------------------------------------------------------------- figures */

#define SUMMARY_FIG_WIDTH 900
#define SUMMARY_FIG_HEIGHT 700

/* 1 if PLplot has the PNG device the figures use ("pngcairo"). */
int summary_have_png_device(void);

/* Draw every figure of one task into dir (created if missing): per condition
 * time courses, and for one trial (point = trial, or −1 for the default:
 * median final q_cor in the first condition with λ_I > 0) the unit–output
 * correlation scatter and the heat maps. Each figure as PNG and as SVG. The
 * paths written are printed to `log`, one per line. */
int summary_figures(const summary_analysis *a, int64_t file, const char *dir, int64_t point,
                    FILE *log, mimod_err *err);

/* --status --figures: the partial time courses of the task's running points
 * (status 1; records written so far): <task>_running_modularity (Q_cor,
 * Q_str) and <task>_running_loss_mi (task loss, Î), PNG + SVG. Nothing when no
 * point is running. */
int summary_status_figures(const summary_task *t, const char *dir, FILE *log, mimod_err *err);

/* The default trial for the per-trial figures (see above), or −1. */
int64_t summary_default_trial(const summary_analysis *a);

#endif
