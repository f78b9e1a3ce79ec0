/* summary_plot.c — the figures of mimod-summary, drawn with PLplot: time
 * courses of the modularity indices (paper Fig. 9/16), the unit–output
 * correlation scatter (Fig. 5/11) and heat maps of the correlation and weight
 * matrices (Fig. 6, 7, 12–14). Each figure is drawn by one function and rendered
 * twice: PNG (pngcairo, or pngqt if only the Qt driver is installed) and SVG.
 *
 * PLplot ends the process (plexit) on some errors, e.g. an unknown device or a
 * file it cannot open, so both are checked here before plinit. */
#include "mimod/summary_plot.h"

#include <errno.h>
#include <ctype.h>
#include <math.h>
#include <plplot.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* cmap0 entries used by the figures (background white, text black). */
enum { COL_BG, COL_FG, COL_BLUE, COL_BLUE_LIGHT, COL_RED, COL_RED_LIGHT, COL_GREEN,
       COL_GREEN_LIGHT, COL_GREY, COL_ORANGE, COL_PURPLE, COL_N };
static const PLINT palette_r[COL_N] = {255, 0, 31, 150, 214, 240, 44, 150, 120, 255, 148};
static const PLINT palette_g[COL_N] = {255, 0, 119, 190, 39, 160, 160, 215, 120, 127, 103};
static const PLINT palette_b[COL_N] = {255, 0, 180, 225, 40, 160, 44, 150, 120, 14, 189};

/* Colour and symbol of unit group g in the scatter (K = 2: blue o, red x). */
static const PLINT group_colours[] = {COL_BLUE, COL_RED, COL_GREEN, COL_ORANGE, COL_PURPLE, COL_GREY};
static const char *const group_symbols[] = {"o", "x", "+", "*", "#(227)", "#(228)"};
#define N_GROUP_STYLES 6

static int device_exists(const char *name) {
    const char *menu_store[128], *name_store[128];
    const char **menus = menu_store, **names = name_store;
    int n = 128; /* in: room in the arrays; out: number of devices */
    plgDevs(&menus, &names, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

static const char *png_device(void) {
    if (device_exists("pngcairo")) return "pngcairo";
    if (device_exists("pngqt")) return "pngqt";
    return NULL;
}

int summary_have_png_device(void) { return png_device() != NULL; }

typedef void (*draw_fn)(const void *ctx);

/* Render one figure as dir/base.png and dir/base.svg. */
static int render(const char *dir, const char *base, draw_fn draw, const void *ctx, FILE *log,
                  mimod_err *err) {
    const char *png = png_device();
    if (!png)
        return mimod_errf(err, MIMOD_EIO,
                          "PLplot has no PNG device (install plplot-driver-cairo)");
    const struct {
        const char *device, *ext;
    } outputs[2] = {{png, "png"}, {device_exists("svg") ? "svg" : "svgcairo", "svg"}};
    for (int i = 0; i < 2; i++) {
        if (!device_exists(outputs[i].device)) continue; /* no vector device: PNG only */
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.%s", dir, base, outputs[i].ext);
        FILE *probe = fopen(path, "wb");
        if (!probe) return mimod_errf(err, MIMOD_EIO, "%s: cannot write: %s", path, strerror(errno));
        fclose(probe);
        plsdev(outputs[i].device);
        plsfnam(path);
        plspage(0.0, 0.0, SUMMARY_FIG_WIDTH, SUMMARY_FIG_HEIGHT, 0, 0);
        plscmap0(palette_r, palette_g, palette_b, COL_N);
        plinit();
        plfont(1);
        draw(ctx);
        plend1();
        if (log) fprintf(log, "%s\n", path);
    }
    return MIMOD_OK;
}

/* ---------------------------------------------------------------- time courses */

typedef struct {
    const summary_task *task;
    const summary_condition *cond;
    const char *title;
    int n_q;
    int quantities[3];
} timecourse_ctx;

static const PLINT tc_colors[3][2] = {
    {COL_BLUE, COL_BLUE_LIGHT}, {COL_RED, COL_RED_LIGHT}, {COL_GREEN, COL_GREEN_LIGHT}};

static const char *display_name(int q) {
    switch (q) {
    case SQ_Q_COR: return "Q#dcor#u";
    case SQ_Q_STR: return "Q#dstr#u";
    case SQ_D_COR: return "D#dcor#u";
    case SQ_D_IN: return "D#din#u";
    case SQ_D_OUT: return "D#dout#u";
    default: return summary_quantity_name(q);
    }
}

static void draw_timecourse(const void *vctx) {
    const timecourse_ctx *c = vctx;
    const summary_task *t = c->task;
    int R = (int)t->n_records;
    size_t P = (size_t)t->n_points;
    PLFLT *x = malloc(sizeof(PLFLT) * R), *y = malloc(sizeof(PLFLT) * R);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    double ymin = INFINITY, ymax = -INFINITY;
    for (int k = 0; k < c->n_q; k++)
        for (int i = 0; i < c->cond->n_points; i++)
            for (int r = 0; r < R; r++) {
                double v = t->timecourse[((size_t)c->quantities[k] * P + c->cond->points[i]) * R + r];
                if (isfinite(v)) {
                    if (v < ymin) ymin = v;
                    if (v > ymax) ymax = v;
                }
            }
    if (!isfinite(ymin)) ymin = 0.0, ymax = 1.0;
    if (ymax - ymin < 1e-9) ymin -= 0.5, ymax += 0.5;
    double pad = 0.05 * (ymax - ymin);
    for (int r = 0; r < R; r++) x[r] = (PLFLT)t->record_step[r];
    double xmin = x[0], xmax = x[R - 1] > x[0] ? x[R - 1] : x[0] + 1.0;

    pladv(0);
    plvpor(0.10, 0.95, 0.12, 0.88);
    plwind(xmin, xmax, ymin - pad, ymax + pad);
    plcol0(COL_FG);
    plwidth(1.0);
    plbox("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
    pllab("MM step", "index", c->title);
    for (int k = 0; k < c->n_q; k++) {
        int q = c->quantities[k];
        /* single trials: thin, light */
        plcol0(tc_colors[k][1]);
        plwidth(0.6);
        for (int i = 0; i < c->cond->n_points; i++) {
            const double *row = t->timecourse + ((size_t)q * P + c->cond->points[i]) * R;
            /* draw finite runs only: NaN marks records not computed */
            int start = -1;
            for (int r = 0; r <= R; r++) {
                int ok = r < R && isfinite(row[r]);
                if (ok && start < 0) start = r;
                if (!ok && start >= 0) {
                    for (int j = start; j < r; j++) y[j] = row[j];
                    if (r - start > 1) plline(r - start, x + start, y + start);
                    start = -1;
                }
            }
        }
        /* mean over the trials with a finite value at each record: thick, dark */
        plcol0(tc_colors[k][0]);
        plwidth(2.5);
        int n_mean = 0;
        PLFLT *xm = x, *ym = y;
        for (int r = 0; r < R; r++) {
            double s = 0.0;
            int n = 0;
            for (int i = 0; i < c->cond->n_points; i++) {
                double v = t->timecourse[((size_t)q * P + c->cond->points[i]) * R + r];
                if (isfinite(v)) s += v, n++;
            }
            if (n) {
                xm[n_mean] = x[r];
                ym[n_mean] = s / n;
                n_mean++;
            }
        }
        if (n_mean > 1) plline(n_mean, xm, ym);
        for (int r = 0; r < R; r++) x[r] = (PLFLT)t->record_step[r]; /* xm aliased x */
    }
    /* legend: one entry per quantity (mean line), one for the thin trial lines */
    PLINT opts[4], text_colors[4], line_colors[4], line_styles[4];
    PLFLT line_widths[4];
    const char *text[4];
    int n_leg = 0;
    for (int k = 0; k < c->n_q; k++, n_leg++) {
        opts[n_leg] = PL_LEGEND_LINE;
        text_colors[n_leg] = COL_FG;
        line_colors[n_leg] = tc_colors[k][0];
        line_styles[n_leg] = 1;
        line_widths[n_leg] = 2.5;
        text[n_leg] = display_name(c->quantities[k]);
    }
    opts[n_leg] = PL_LEGEND_LINE;
    text_colors[n_leg] = COL_FG;
    line_colors[n_leg] = COL_GREY;
    line_styles[n_leg] = 1;
    line_widths[n_leg] = 0.6;
    text[n_leg] = "single trials (thin)";
    n_leg++;
    PLFLT lw, lh;
    plwidth(1.0);
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_TOP | PL_POSITION_LEFT | PL_POSITION_INSIDE, 0.02, 0.02, 0.08, COL_BG,
             COL_FG, 1, 0, 0, n_leg, opts, 1.0, 0.9, 2.0, 0.0, text_colors, text, NULL, NULL,
             NULL, NULL, line_colors, line_styles, line_widths, NULL, NULL, NULL, NULL);
    free(x);
    free(y);
}

/* ---------------------------------------------------------------- scatter */

typedef struct {
    const double *unit_out; /* [N][O] |corr(a_i, y_k)| */
    int n_units, n_out;
    int n_groups;           /* K: units in K contiguous groups of N/K */
    const char *title;
} scatter_ctx;

static void draw_scatter(const void *vctx) {
    const scatter_ctx *c = vctx;
    int N = c->n_units, O = c->n_out, half = O / 2;
    PLFLT *x = malloc(sizeof(PLFLT) * N), *y = malloc(sizeof(PLFLT) * N);
    if (!x || !y) {
        free(x);
        free(y);
        return;
    }
    /* target 1 = the first half of the outputs (WM output 0; SEP Lorenz x,y,z),
     * target 2 = the second half (WM output 1; SEP Rössler x,y,z) — SPEC §5 D_cor. */
    double hi = 0.0;
    for (int i = 0; i < N; i++) {
        double s1 = 0.0, s2 = 0.0;
        for (int k = 0; k < half; k++) s1 += fabs(c->unit_out[(size_t)i * O + k]);
        for (int k = half; k < O; k++) s2 += fabs(c->unit_out[(size_t)i * O + k]);
        x[i] = half ? s1 / half : 0.0;
        y[i] = O - half ? s2 / (O - half) : 0.0;
        if (isfinite(x[i]) && x[i] > hi) hi = x[i];
        if (isfinite(y[i]) && y[i] > hi) hi = y[i];
    }
    /* |corr| ≤ 1: a fixed [0, 1] square keeps figures of different trials comparable */
    double top = hi > 1.0 ? 1.05 * hi : 1.0;
    pladv(0);
    plvpor(0.12, 0.92, 0.12, 0.88);
    plwind(0.0, top, 0.0, top);
    plcol0(COL_FG);
    plwidth(1.0);
    plbox("bcnst", 0.0, 0, "bcnstv", 0.0, 0);
    pllab("mean |corr| with target-1 outputs", "mean |corr| with target-2 outputs", c->title);
    plcol0(COL_GREY);
    pllsty(2);
    pljoin(0.0, 0.0, top, top);
    pllsty(1);
    /* one colour and symbol per group (K = 2: g1 blue o, g2 red x) */
    int K = c->n_groups >= 2 && c->n_groups <= N && N % c->n_groups == 0 ? c->n_groups : 2;
    int G = N / K;
    if (K > 16) K = 16; /* legend room; the rest of the units stay unplotted */
    plschr(0.0, 1.3);
    for (int g = 0; g < K; g++) {
        plcol0(group_colours[g % N_GROUP_STYLES]);
        int n_g = K == 2 && g == 1 ? N - N / 2 : G; /* K = 2: as before, N/2 and the rest */
        int first = K == 2 ? g * (N / 2) : g * G;
        plstring(n_g, x + first, y + first, group_symbols[g % N_GROUP_STYLES]);
    }
    plschr(0.0, 1.0);
    PLINT opts[16], text_colors[16], sym_colors[16], sym_numbers[16];
    PLFLT sym_scales[16];
    char text_store[16][64];
    const char *text[16], *symbols[16];
    for (int g = 0; g < K; g++) {
        opts[g] = PL_LEGEND_SYMBOL;
        text_colors[g] = COL_FG;
        sym_colors[g] = group_colours[g % N_GROUP_STYLES];
        sym_numbers[g] = 1;
        sym_scales[g] = 1.3;
        symbols[g] = group_symbols[g % N_GROUP_STYLES];
        if (K == 2)
            snprintf(text_store[g], sizeof text_store[g], "%s", g ? "group g2 (units N/2..N-1)"
                                                                  : "group g1 (units 0..N/2-1)");
        else
            snprintf(text_store[g], sizeof text_store[g], "group g%d (units %d..%d)", g + 1, g * G,
                     (g + 1) * G - 1);
        text[g] = text_store[g];
    }
    PLFLT lw, lh;
    pllegend(&lw, &lh, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX,
             PL_POSITION_TOP | PL_POSITION_RIGHT | PL_POSITION_INSIDE, 0.02, 0.02, 0.05, COL_BG,
             COL_FG, 1, 0, 0, K, opts, 1.0, 0.9, 2.0, 0.0, text_colors, text, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, sym_colors, sym_scales, sym_numbers, symbols);
    free(x);
    free(y);
}

/* ---------------------------------------------------------------- heat maps */

typedef struct {
    const double *m; /* [rows][cols] */
    int rows, cols;
    int absolute;    /* plot |m| on a sequential scale; else signed on a diverging one */
    int group_lines; /* K > 0: draw the boundaries of K equal groups on axes of
                        length N (K = 2: the g1/g2 line); 0: none */
    double fixed_max; /* > 0: colour range [0, fixed_max] (|corr|: 1) */
    const char *title, *xlabel, *ylabel, *zlabel;
} heatmap_ctx;

static void draw_heatmap(const void *vctx) {
    const heatmap_ctx *c = vctx;
    int rows = c->rows, cols = c->cols;
    double zmax = 0.0;
    for (int i = 0; i < rows * cols; i++)
        if (isfinite(c->m[i]) && fabs(c->m[i]) > zmax) zmax = fabs(c->m[i]);
    if (c->fixed_max > 0.0) zmax = c->fixed_max;
    if (!(zmax > 0.0)) zmax = 1.0;
    double zmin = c->absolute ? 0.0 : -zmax;
    if (c->absolute) {
        PLFLT pos[2] = {0.0, 1.0}, r[2] = {1.0, 0.03}, g[2] = {1.0, 0.19}, b[2] = {1.0, 0.42};
        plscmap1l(1, 2, pos, r, g, b, NULL);
    } else {
        PLFLT pos[3] = {0.0, 0.5, 1.0}, r[3] = {0.13, 1.0, 0.70}, g[3] = {0.40, 1.0, 0.09},
              b[3] = {0.67, 1.0, 0.17};
        plscmap1l(1, 3, pos, r, g, b, NULL);
    }
    pladv(0);
    plvpor(0.12, 0.80, 0.12, 0.88);
    /* the y axis runs downwards so row 0 is at the top, as a matrix is written */
    plwind(0.0, cols, rows, 0.0);
    /* One filled rectangle per entry: plimage treats values as grid nodes, which
     * shifts small matrices by a fraction of a cell against the axes. */
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double v = c->m[(size_t)i * cols + j];
            if (!isfinite(v)) v = 0.0;
            if (c->absolute) v = fabs(v);
            double u = (v - zmin) / (zmax - zmin);
            plcol1(u < 0.0 ? 0.0 : u > 1.0 ? 1.0 : u);
            PLFLT xs[4] = {j, j + 1, j + 1, j}, ys[4] = {i, i, i + 1, i + 1};
            plfill(4, xs, ys);
        }
    plcol0(COL_FG);
    plwidth(1.0);
    /* a few rows or columns (W_out has 2 or 6 rows): one tick per row or column */
    plbox("bcnst", cols <= 12 ? 1.0 : 0.0, 0, "bcnstv", rows <= 12 ? 1.0 : 0.0, 0);
    pllab(c->xlabel, c->ylabel, c->title);
    if (c->group_lines > 0) {
        const int K = c->group_lines;
        plcol0(COL_GREY);
        pllsty(2);
        for (int g = 1; g < K; g++) {
            if (cols % K == 0 && cols > K) pljoin(cols * g / (double)K, 0.0, cols * g / (double)K, rows);
            if (rows % K == 0 && rows > K && rows == cols)
                pljoin(0.0, rows * g / (double)K, cols, rows * g / (double)K);
        }
        pllsty(1);
    }
    PLFLT cw, ch;
    PLINT label_opts[1] = {PL_COLORBAR_LABEL_RIGHT};
    const char *labels[1] = {c->zlabel};
    const char *axis_opts[1] = {"bcvtm"};
    PLFLT ticks[1] = {0.0};
    PLINT sub_ticks[1] = {0};
    PLINT n_values[1] = {2};
    PLFLT range[2] = {zmin, zmax};
    const PLFLT *values[1] = {range};
    plcol0(COL_FG);
    plcolorbar(&cw, &ch, PL_COLORBAR_IMAGE, PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.03, 0.0,
               0.04, 0.76, COL_BG, COL_FG, 1, 0.0, 0.0, 0, 0.0, 1, label_opts, labels, 1,
               axis_opts, ticks, sub_ticks, n_values, (PLFLT_MATRIX)values);
}

/* ---------------------------------------------------------------- driver */

static int make_dir(const char *dir, mimod_err *err) {
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode)) return MIMOD_OK;
        return mimod_errf(err, MIMOD_EIO, "%s exists and is not a directory", dir);
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return mimod_errf(err, MIMOD_EIO, "cannot create %s: %s", dir, strerror(errno));
    return MIMOD_OK;
}

int64_t summary_default_trial(const summary_analysis *a) {
    const summary_task *t = a->task;
    int chosen = -1;
    for (int c = 0; c < a->n_conditions && chosen < 0; c++)
        if (a->conditions[c].n_points > 0 && a->conditions[c].lambda_I > 0.0) chosen = c;
    for (int c = 0; c < a->n_conditions && chosen < 0; c++)
        if (a->conditions[c].n_points > 0) chosen = c;
    if (chosen < 0) return -1;
    const summary_condition *C = &a->conditions[chosen];
    /* Median by final q_cor: sort the trials with a finite q_cor by value (insertion
     * sort; a condition has tens of trials) and take the lower median. */
    int *order = malloc(sizeof(int) * C->n_points);
    if (!order) return C->points[0];
    int n = 0;
    const double *qcor = t->final_values + (size_t)SQ_Q_COR * t->n_points;
    for (int k = 0; k < C->n_points; k++) {
        int p = C->points[k];
        if (!isfinite(qcor[p])) continue;
        int j = n++;
        while (j > 0 && qcor[order[j - 1]] > qcor[p]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = p;
    }
    int64_t pick = n ? order[(n - 1) / 2] : C->points[0];
    free(order);
    return pick;
}

/* "W_rec" as PLplot text: the part after '_' as a subscript ("W#drec#u"). */
static void plplot_symbol(const char *symbol, char *buf, size_t n) {
    const char *u = strchr(symbol, '_');
    if (!u) snprintf(buf, n, "%s", symbol);
    else snprintf(buf, n, "%.*s#d%s#u", (int)(u - symbol), symbol, u + 1);
}

int summary_figures(const summary_analysis *a, int64_t file, const char *dir, int64_t point,
                    FILE *log, mimod_err *err) {
    const summary_task *t = a->task;
    /* A bad --trial is refused before any figure is written. */
    if (point >= t->n_points)
        return mimod_errf(err, MIMOD_EINVAL, "--trial %lld: the task has %lld points",
                          (long long)point, (long long)t->n_points);
    if (point >= 0 && t->status[point] != RESULTS_DONE)
        return mimod_errf(err, MIMOD_EINVAL, "--trial %lld: point not finished (status %d)",
                          (long long)point, t->status[point]);
    int rc = make_dir(dir, err);
    if (rc) return rc;
    if (!png_device())
        return mimod_errf(err, MIMOD_EIO,
                          "PLplot has no PNG device: install plplot-driver-cairo (see docs/summary.md)");
    char base[256], title[512], label[256];

    /* (1), (2) time courses per condition */
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        if (C->n_points == 0) continue;
        summary_condition_label(a, c, label, sizeof label);
        timecourse_ctx ctx = {.task = t, .cond = C, .title = title};
        snprintf(title, sizeof title, "%s condition %d: %s (n = %d)", t->name, c + 1, label,
                 C->n_points);
        ctx.n_q = 2;
        ctx.quantities[0] = SQ_Q_COR;
        ctx.quantities[1] = SQ_Q_STR;
        snprintf(base, sizeof base, "%s_c%d_modularity", t->name, c + 1);
        if ((rc = render(dir, base, draw_timecourse, &ctx, log, err))) return rc;
        ctx.n_q = 0;
        ctx.quantities[ctx.n_q++] = SQ_D_COR;
        if (summary_quantity_in_task(SQ_D_IN, t->task)) ctx.quantities[ctx.n_q++] = SQ_D_IN;
        ctx.quantities[ctx.n_q++] = SQ_D_OUT;
        snprintf(base, sizeof base, "%s_c%d_dindex", t->name, c + 1);
        if ((rc = render(dir, base, draw_timecourse, &ctx, log, err))) return rc;
    }

    /* (3), (4) one trial */
    if (point < 0) point = summary_default_trial(a);
    if (point < 0) return MIMOD_OK; /* nothing finished yet */
    int64_t N = t->n_units, O = t->n_out;
    const int K = summary_point_groups(t, point); /* group boundaries in the figures */
    int64_t cap = 3 * N * N + 16 * N + 64;
    double *buf = malloc(sizeof(double) * (size_t)cap);
    if (!buf) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    int64_t rows, cols;
    char trial_label[128];
    int seed_axis = summary_axis_index(t, "seed");
    if (seed_axis >= 0 && t->seeds)
        snprintf(trial_label, sizeof trial_label, "point %lld, seed %llu", (long long)point,
                 (unsigned long long)t->seeds[point]);
    else
        snprintf(trial_label, sizeof trial_label, "point %lld", (long long)point);

    rc = summary_read_point_matrix(file, t->name, "final/unit_out_corr", point, buf, cap, &rows,
                                   &cols, err);
    if (rc == MIMOD_OK) {
        if (rows != N || cols != O) {
            rc = mimod_errf(err, MIMOD_EIO, "final/unit_out_corr is %lld×%lld, expected %lld×%lld",
                            (long long)rows, (long long)cols, (long long)N, (long long)O);
        } else {
            snprintf(title, sizeof title, "%s %s: unit-output correlation", t->name, trial_label);
            scatter_ctx sc = {.unit_out = buf, .n_units = (int)N, .n_out = (int)O, .n_groups = K,
                              .title = title};
            snprintf(base, sizeof base, "%s_trial%lld_unit_out_scatter", t->name, (long long)point);
            rc = render(dir, base, draw_scatter, &sc, log, err);
        }
    }
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(file, t->name, "final/corr", point, buf, cap, &rows, &cols,
                                       err);
    if (rc == MIMOD_OK) {
        snprintf(title, sizeof title, "%s %s: |correlation| of unit states", t->name, trial_label);
        heatmap_ctx hc = {.m = buf, .rows = (int)rows, .cols = (int)cols, .absolute = 1,
                          .group_lines = K, .fixed_max = 1.0, .title = title, .xlabel = "unit j",
                          .ylabel = "unit i", .zlabel = "|corr|"};
        snprintf(base, sizeof base, "%s_trial%lld_corr", t->name, (long long)point);
        rc = render(dir, base, draw_heatmap, &hc, log, err);
    }
    /* the structural matrix of Q_str: N rows of a weight tensor from row
     * block·N (the task says which; SEP: U_h, rows 2N..3N−1 of u, SPEC §5) */
    const task_model *model = t->task->model;
    const int64_t row0 = (int64_t)model->structural_block * N;
    char wname[96];
    snprintf(wname, sizeof wname, "weights/%s", model->structural_tensor);
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(file, t->name, wname, point, buf, cap, &rows, &cols, err);
    if (rc == MIMOD_OK) {
        const double *m = buf + (size_t)(row0 * N);
        if (rows < row0 + N || cols != N)
            rc = mimod_errf(err, MIMOD_EIO, "%s is %lld×%lld, expected at least %lld×%lld", wname,
                            (long long)rows, (long long)cols, (long long)(row0 + N), (long long)N);
        rows = N;
        if (rc == MIMOD_OK) {
            char symbol[64], name[64];
            plplot_symbol(model->structural_symbol, symbol, sizeof symbol);
            snprintf(name, sizeof name, "%s", model->structural_symbol);
            for (char *p = name; *p; p++) *p = (char)tolower((unsigned char)*p);
            snprintf(title, sizeof title, "%s %s: %s%s%s%s", t->name, trial_label, symbol,
                     model->structural_note ? " (" : "",
                     model->structural_note ? model->structural_note : "",
                     model->structural_note ? ")" : "");
            heatmap_ctx hc = {.m = m, .rows = (int)rows, .cols = (int)cols, .absolute = 0,
                              .group_lines = K, .title = title, .xlabel = "presynaptic unit j",
                              .ylabel = "postsynaptic unit i", .zlabel = "weight"};
            snprintf(base, sizeof base, "%s_trial%lld_%s", t->name, (long long)point, name);
            rc = render(dir, base, draw_heatmap, &hc, log, err);
        }
    }
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(file, t->name, "weights/w_out", point, buf, cap, &rows,
                                       &cols, err);
    if (rc == MIMOD_OK) {
        snprintf(title, sizeof title, "%s %s: |W#dout#u|", t->name, trial_label);
        heatmap_ctx hc = {.m = buf, .rows = (int)rows, .cols = (int)cols, .absolute = 1,
                          .group_lines = K, .title = title, .xlabel = "unit",
                          .ylabel = "output", .zlabel = "|weight|"};
        snprintf(base, sizeof base, "%s_trial%lld_w_out", t->name, (long long)point);
        rc = render(dir, base, draw_heatmap, &hc, log, err);
    }
    free(buf);
    if (rc) mimod_err_prefix(err, "figures for /%s point %lld", t->name, (long long)point);
    return rc;
}

int summary_status_figures(const summary_task *t, const char *dir, FILE *log, mimod_err *err) {
    int n = 0;
    int *points = malloc(sizeof(int) * (size_t)(t->n_points > 0 ? t->n_points : 1));
    if (!points) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    for (int64_t p = 0; p < t->n_points; p++)
        if (t->status[p] == RESULTS_RUNNING) points[n++] = (int)p;
    int rc = MIMOD_OK;
    if (n > 0) rc = make_dir(dir, err);
    if (n > 0 && !rc) {
        summary_condition C;
        memset(&C, 0, sizeof C);
        C.n_points = n;
        C.points = points;
        char title[256], base[SUMMARY_NAME_LEN + 32];
        snprintf(title, sizeof title, "%s: running points so far (n = %d)", t->name, n);
        timecourse_ctx ctx = {.task = t, .cond = &C, .title = title, .n_q = 2,
                              .quantities = {SQ_Q_COR, SQ_Q_STR}};
        snprintf(base, sizeof base, "%s_running_modularity", t->name);
        rc = render(dir, base, draw_timecourse, &ctx, log, err);
        if (!rc) {
            ctx.n_q = 2;
            ctx.quantities[0] = SQ_TASK_LOSS;
            ctx.quantities[1] = SQ_MI;
            snprintf(base, sizeof base, "%s_running_loss_mi", t->name);
            rc = render(dir, base, draw_timecourse, &ctx, log, err);
        }
    }
    free(points);
    return rc;
}
