/* summary_plot.c — the figures of mimod-summary, drawn with PLplot: time
 * courses of the quantities with the conditions overlaid (mean ± sd bands,
 * paper Fig. 9/16), each condition with its single trials, the live view of
 * running points, the unit–output correlation scatter (Fig. 5/11) and heat
 * maps of the correlation and weight matrices (Fig. 6, 7, 12–14). Each figure
 * is drawn by one function and rendered twice: PNG (pngcairo, or pngqt if
 * only the Qt driver is installed) and SVG.
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

/* cmap0: background, text, greys, then one line colour and one translucent
 * band shade per series (a condition in the time courses, a unit group in the
 * scatter). */
#define N_SERIES 8
enum { COL_BG, COL_FG, COL_GREY, COL_SERIES0, COL_N = COL_SERIES0 + 2 * N_SERIES };
#define SERIES_LINE(i) (COL_SERIES0 + 2 * ((i) % N_SERIES))
#define SERIES_BAND(i) (COL_SERIES0 + 2 * ((i) % N_SERIES) + 1)
enum { COL_BLUE = SERIES_LINE(0), COL_RED = SERIES_LINE(1), COL_GREEN = SERIES_LINE(2),
       COL_ORANGE = SERIES_LINE(3), COL_PURPLE = SERIES_LINE(4) };
static const PLINT series_rgb[N_SERIES][3] = {
    {31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {255, 127, 14},
    {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {23, 190, 207}};
#define BAND_ALPHA 0.22

static void set_palette(void) {
    PLINT r[COL_N], g[COL_N], b[COL_N];
    PLFLT alpha[COL_N];
    const PLINT fixed[3][3] = {{255, 255, 255}, {0, 0, 0}, {120, 120, 120}};
    for (int i = 0; i < COL_SERIES0; i++) {
        r[i] = fixed[i][0], g[i] = fixed[i][1], b[i] = fixed[i][2];
        alpha[i] = 1.0;
    }
    for (int s = 0; s < N_SERIES; s++)
        for (int k = 0; k < 2; k++) {
            int i = COL_SERIES0 + 2 * s + k;
            r[i] = series_rgb[s][0], g[i] = series_rgb[s][1], b[i] = series_rgb[s][2];
            alpha[i] = k ? BAND_ALPHA : 1.0;
        }
    plscmap0a(r, g, b, alpha, COL_N);
}

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
        set_palette();
        plinit();
        plfont(1);
        draw(ctx);
        plend1();
        if (log) fprintf(log, "%s\n", path);
    }
    return MIMOD_OK;
}

/* ---------------------------------------------------------------- labels */

/* Axis label of a quantity: its symbol and its unit (the schema's units,
 * shortened to fit a panel's side). */
static const char *axis_label(int q) {
    switch (q) {
    case SQ_TASK_LOSS: return "task loss (MSE)";
    case SQ_ACCURACY: return "accuracy (fraction)";
    case SQ_R2_MEAN: return "R#u2#d (mean over outputs)";
    case SQ_MI: return "Î (nats)";
    case SQ_Q_COR: return "Q#dcor#u (modularity)";
    case SQ_Q_STR: return "Q#dstr#u (modularity)";
    case SQ_D_COR: return "D#dcor#u (0 to 1)";
    case SQ_D_IN: return "D#din#u (0 to 1)";
    case SQ_D_OUT: return "D#dout#u (0 to 1)";
    default: return summary_quantity_name(q);
    }
}

/* An axis name as the figures write it: λ_I, λ_reg, others as they are. */
static const char *axis_symbol(const char *axis) {
    if (strcmp(axis, "lambda_I") == 0) return "#gl#dI#u";
    if (strcmp(axis, "lambda_reg") == 0) return "#gl#dreg#u";
    return axis;
}

/* Condition c for a figure ("λ_I = 0.1, λ_reg = 0"; every axis but seed) or,
 * slug = 1, for a file name ("lambda_I0.1_lambda_reg0"). */
static void condition_text(const summary_analysis *a, int c, int slug, char *buf, size_t n) {
    const summary_task *t = a->task;
    int p = a->conditions[c].first_point;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < t->n_axes && used < n; i++) {
        if (strcmp(t->axis_names[i], "seed") == 0) continue;
        double v = t->coords[(size_t)i * (size_t)t->n_points + (size_t)p];
        int w = slug ? snprintf(buf + used, n - used, "%s%s%.10g", used ? "_" : "", t->axis_names[i], v)
                     : snprintf(buf + used, n - used, "%s%s = %g", used ? ", " : "",
                                axis_symbol(t->axis_names[i]), v);
        if (w < 0) break;
        used += (size_t)w;
    }
    if (!used) snprintf(buf, n, "%s", slug ? "all" : "all points");
}

/* "(λ_reg = 0.02 fixed)": the λ that are no grid axes, from the base configuration. */
static void fixed_text(const summary_task *t, char *buf, size_t n) {
    buf[0] = '\0';
    size_t used = 0;
    const struct {
        const char *axis;
        double v;
    } fixed[2] = {{"lambda_I", t->base_lambda_I}, {"lambda_reg", t->base_lambda_reg}};
    for (int i = 0; i < 2; i++) {
        if (summary_axis_index(t, fixed[i].axis) >= 0 || isnan(fixed[i].v)) continue;
        int w = snprintf(buf + used, n - used, "%s%s = %g", used ? ", " : " (", axis_symbol(fixed[i].axis),
                         fixed[i].v);
        if (w < 0 || (size_t)w >= n - used) return;
        used += (size_t)w;
    }
    if (used && used + 8 < n) snprintf(buf + used, n - used, " fixed)");
}

/* ---------------------------------------------------------------- time courses */

/* A figure of time courses: panels of one quantity each (so one unit per
 * axis), and groups of points drawn in one colour in every panel — a
 * condition's mean ± sd band over its `band` points, and its `lines` points one
 * by one (thin; with end marks, the last record of a running point). */
#define MAX_PANELS 4
#define MAX_LEGEND 12
typedef struct {
    const int *band;
    int n_band;
    const int *lines;
    int n_lines;
    int end_marks;
    char label[320];
} curve_group;

typedef struct {
    const summary_task *task;
    int n_panels, cols;
    int quantities[MAX_PANELS];
    int n_groups;
    const curve_group *groups;
    char title[512], subtitle[320];
} curves_ctx;

/* mean and sd at record r over the points (finite values only) */
static void record_stats(const summary_task *t, int q, const int *pts, int n, int r, double *scratch,
                         int *n_used, double *mean, double *sd) {
    size_t P = (size_t)t->n_points, R = (size_t)t->n_records;
    for (int i = 0; i < n; i++) scratch[i] = t->timecourse[((size_t)q * P + (size_t)pts[i]) * R + (size_t)r];
    summary_mean_sd(scratch, n, n_used, mean, sd);
}

static const double *tc_row(const summary_task *t, int q, int p) {
    return t->timecourse + ((size_t)q * (size_t)t->n_points + (size_t)p) * (size_t)t->n_records;
}

/* The finite runs of y[0..R) as lines (NaN marks records not computed or not written). */
static void line_runs(int R, const PLFLT *x, const double *y, PLFLT *buf) {
    int start = -1;
    for (int r = 0; r <= R; r++) {
        int ok = r < R && isfinite(y[r]);
        if (ok && start < 0) start = r;
        if (!ok && start >= 0) {
            for (int j = start; j < r; j++) buf[j] = y[j];
            if (r - start > 1) plline(r - start, (PLFLT *)x + start, buf + start);
            else plstring(1, (PLFLT *)x + start, buf + start, "#(850)"); /* a single record: a dot */
            start = -1;
        }
    }
}

static void draw_panel(const curves_ctx *c, int k, double vx0, double vx1, double vy0, double vy1,
                       int bottom, double *scratch, PLFLT *x, PLFLT *m, PLFLT *lo, PLFLT *hi, PLFLT *poly) {
    const summary_task *t = c->task;
    int q = c->quantities[k], R = (int)t->n_records;
    /* y range: every band edge and line value drawn */
    double ymin = INFINITY, ymax = -INFINITY;
    for (int g = 0; g < c->n_groups; g++) {
        const curve_group *G = &c->groups[g];
        for (int r = 0; r < R; r++) {
            int n;
            double mean, sd;
            record_stats(t, q, G->band, G->n_band, r, scratch, &n, &mean, &sd);
            double a = isfinite(sd) ? mean - sd : mean, b = isfinite(sd) ? mean + sd : mean;
            if (isfinite(a) && a < ymin) ymin = a;
            if (isfinite(b) && b > ymax) ymax = b;
        }
        for (int i = 0; i < G->n_lines; i++) {
            const double *row = tc_row(t, q, G->lines[i]);
            for (int r = 0; r < R; r++)
                if (isfinite(row[r])) {
                    if (row[r] < ymin) ymin = row[r];
                    if (row[r] > ymax) ymax = row[r];
                }
        }
    }
    if (!isfinite(ymin)) ymin = 0.0, ymax = 1.0;
    if (ymax - ymin < 1e-9) ymin -= 0.5, ymax += 0.5;
    double pad = 0.06 * (ymax - ymin);
    double xmin = x[0], xmax = x[R - 1] > x[0] ? x[R - 1] : x[0] + 1.0;
    plvpor(vx0, vx1, vy0, vy1);
    plwind(xmin, xmax, ymin - pad, ymax + pad);

    /* bands first, then single lines, then means: the means stay on top */
    for (int g = 0; g < c->n_groups; g++) {
        const curve_group *G = &c->groups[g];
        if (G->n_band < 2) continue;
        plcol0(SERIES_BAND(g));
        int start = -1;
        for (int r = 0; r <= R; r++) {
            int n = 0;
            double mean = NAN, sd = NAN;
            if (r < R) record_stats(t, q, G->band, G->n_band, r, scratch, &n, &mean, &sd);
            int ok = r < R && n >= 2 && isfinite(sd);
            if (ok) lo[r] = mean - sd, hi[r] = mean + sd;
            if (ok && start < 0) start = r;
            if (!ok && start >= 0) {
                int len = r - start;
                if (len > 1) {
                    /* the outline: upper edge forward, lower edge back */
                    PLFLT *px = poly, *py = poly + 2 * R;
                    for (int j = 0; j < len; j++) {
                        px[j] = x[start + j], py[j] = hi[start + j];
                        px[len + j] = x[r - 1 - j], py[len + j] = lo[r - 1 - j];
                    }
                    plfill(2 * len, px, py);
                }
                start = -1;
            }
        }
    }
    for (int g = 0; g < c->n_groups; g++) {
        const curve_group *G = &c->groups[g];
        plcol0(SERIES_LINE(g));
        pllsty(g < N_SERIES ? 1 : 2);
        plwidth(G->end_marks ? 1.0 : 0.6);
        for (int i = 0; i < G->n_lines; i++) {
            const double *row = tc_row(t, q, G->lines[i]);
            line_runs(R, x, row, m);
            if (G->end_marks) {
                int last = R - 1;
                while (last >= 0 && !isfinite(row[last])) last--;
                if (last >= 0) {
                    PLFLT ex = x[last], ey = row[last];
                    plstring(1, &ex, &ey, "#(850)");
                }
            }
        }
    }
    for (int g = 0; g < c->n_groups; g++) {
        const curve_group *G = &c->groups[g];
        if (G->n_band < 1) continue;
        for (int r = 0; r < R; r++) {
            int n;
            double mean, sd;
            record_stats(t, q, G->band, G->n_band, r, scratch, &n, &mean, &sd);
            lo[r] = n ? mean : NAN; /* the mean line, NaN where no trial has a value */
        }
        plcol0(SERIES_LINE(g));
        pllsty(g < N_SERIES ? 1 : 2);
        plwidth(2.2);
        line_runs(R, x, lo, m);
    }
    pllsty(1);
    plwidth(1.0);
    plcol0(COL_FG);
    plsyax(6, 0); /* tick labels 0.01, 0.02, not a separate "(x10^-2)" that lands by the next panel */
    plbox(bottom ? "bcnst" : "bcst", 0.0, 0, "bcnstv", 0.0, 0);
    pllab(bottom ? "MM step" : "", axis_label(q), "");
}

/* Characters a PLplot string shows (escapes like #gl, #d, #u count as what they show). */
static int visible_length(const char *s) {
    int n = 0;
    for (; *s; s++) {
        if (*s == '#' && s[1]) {
            if (s[1] == 'g') n++, s++; /* a Greek letter */
            s++;
            continue;
        }
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    }
    return n;
}

static void draw_curves(const void *vctx) {
    const curves_ctx *c = vctx;
    const summary_task *t = c->task;
    int R = (int)t->n_records;
    int most = 1;
    for (int g = 0; g < c->n_groups; g++) {
        if (c->groups[g].n_band > most) most = c->groups[g].n_band;
        if (c->groups[g].n_lines > most) most = c->groups[g].n_lines;
    }
    double *scratch = malloc(sizeof(double) * (size_t)most);
    PLFLT *x = malloc(sizeof(PLFLT) * (size_t)R), *m = malloc(sizeof(PLFLT) * (size_t)R),
          *lo = malloc(sizeof(PLFLT) * (size_t)R), *hi = malloc(sizeof(PLFLT) * (size_t)R),
          *poly = malloc(sizeof(PLFLT) * 4 * (size_t)R);
    if (!scratch || !x || !m || !lo || !hi || !poly) goto done;
    for (int r = 0; r < R; r++) x[r] = (PLFLT)t->record_step[r];

    pladv(0);
    /* title and subtitle at the top, the legend below them, then the panels */
    plvpor(0.0, 1.0, 0.0, 1.0);
    plwind(0.0, 1.0, 0.0, 1.0);
    plcol0(COL_FG);
    plschr(0.0, 1.0);
    plptex(0.5, 0.962, 1.0, 0.0, 0.5, c->title);
    plschr(0.0, 0.8);
    if (c->subtitle[0]) plptex(0.5, 0.914, 1.0, 0.0, 0.5, c->subtitle);
    int n_leg = c->n_groups < MAX_LEGEND ? c->n_groups : MAX_LEGEND;
    /* as many legend columns as the longest entry lets fit across the page */
    int longest = 1;
    for (int g = 0; g < n_leg; g++) {
        int len = visible_length(c->groups[g].label);
        if (len > longest) longest = len;
    }
    int leg_cols = (int)(SUMMARY_FIG_WIDTH * 0.92 / ((longest + 7) * 8.0));
    if (leg_cols > 4) leg_cols = 4;
    if (leg_cols > n_leg) leg_cols = n_leg;
    if (leg_cols < 1) leg_cols = 1;
    int leg_rows = (n_leg + leg_cols - 1) / leg_cols;
    double top = 0.895 - 0.044 * leg_rows;
    if (n_leg > 0) {
        PLINT opts[MAX_LEGEND], tcol[MAX_LEGEND], bcol[MAX_LEGEND], bpat[MAX_LEGEND], lcol[MAX_LEGEND],
            lsty[MAX_LEGEND];
        PLFLT bscale[MAX_LEGEND], bwidth[MAX_LEGEND], lwidth[MAX_LEGEND];
        const char *text[MAX_LEGEND];
        for (int g = 0; g < n_leg; g++) {
            int band = c->groups[g].n_band >= 2;
            opts[g] = PL_LEGEND_LINE | (band ? PL_LEGEND_COLOR_BOX : 0);
            tcol[g] = COL_FG;
            bcol[g] = SERIES_BAND(g);
            bpat[g] = 0;
            bscale[g] = 1.2;
            bwidth[g] = 1.0;
            lcol[g] = SERIES_LINE(g);
            lsty[g] = g < N_SERIES ? 1 : 2;
            lwidth[g] = c->groups[g].n_band ? 2.2 : 1.0;
            text[g] = c->groups[g].label;
        }
        plvpor(0.06, 0.98, top, 0.895);
        plwind(0.0, 1.0, 0.0, 1.0);
        PLFLT lw, lh;
        pllegend(&lw, &lh, 0, PL_POSITION_TOP | PL_POSITION_INSIDE, 0.0, 0.0, 0.05, COL_BG, COL_FG, 1,
                 leg_rows, leg_cols, n_leg, opts, 0.8, 0.85, 2.1, 0.0, tcol, text, bcol, bpat, bscale,
                 bwidth, lcol, lsty, lwidth, NULL, NULL, NULL, NULL);
    }
    plschr(0.0, c->n_panels > 2 ? 0.8 : 0.9);
    int cols = c->cols > 0 ? c->cols : 1, rows = (c->n_panels + cols - 1) / cols;
    double left = 0.10, right = 0.97, bottom = 0.08, gap_x = 0.09, gap_y = 0.05;
    top -= 0.02;
    double pw = (right - left - gap_x * (cols - 1)) / cols, ph = (top - bottom - gap_y * (rows - 1)) / rows;
    for (int k = 0; k < c->n_panels; k++) {
        int row = k / cols, col = k % cols;
        double vx0 = left + col * (pw + gap_x), vy1 = top - row * (ph + gap_y);
        int is_bottom = row == rows - 1 || k + cols >= c->n_panels;
        draw_panel(c, k, vx0, vx0 + pw, vy1 - ph, vy1, is_bottom, scratch, x, m, lo, hi, poly);
    }
done:
    free(scratch);
    free(x);
    free(m);
    free(lo);
    free(hi);
    free(poly);
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
    int row_blocks, col_blocks; /* > 1: boundaries of that many equal blocks of rows
                                   (units in groups) or of columns (outputs of targets) */
    double fixed_max; /* > 0: colour range [0, fixed_max] (|corr|: 1) */
    const char *const *row_names; /* labels of the rows when there are few (NULL: 0, 1, …) */
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
    /* a few rows or columns (W_out has 2 or 6 rows): a tick and a label at the
     * middle of each cell, not on the edges between cells */
    int few_cols = cols <= 12, few_rows = rows <= 12;
    plbox(few_cols ? "bc" : "bcnst", 0.0, 0, few_rows ? "bc" : "bcnstv", 0.0, 0);
    double tick_x = 0.012 * cols, tick_y = 0.012 * rows;
    char num[16];
    for (int j = 0; few_cols && j < cols; j++) {
        pljoin(j + 0.5, rows, j + 0.5, rows - tick_y);
        pljoin(j + 0.5, 0.0, j + 0.5, tick_y);
        snprintf(num, sizeof num, "%d", j);
        plmtex("b", 1.5, (j + 0.5) / cols, 0.5, num);
    }
    for (int i = 0; few_rows && i < rows; i++) {
        pljoin(0.0, i + 0.5, tick_x, i + 0.5);
        pljoin(cols, i + 0.5, cols - tick_x, i + 0.5);
        const char *name = c->row_names ? c->row_names[i] : NULL;
        snprintf(num, sizeof num, "%d", i);
        /* row 0 at the top: its middle is at 1 − 0.5/rows of the side */
        plmtex("lv", 0.7, 1.0 - (i + 0.5) / rows, 1.0, name ? name : num);
    }
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
    if (c->row_blocks > 1 || c->col_blocks > 1) {
        plcol0(COL_GREY);
        pllsty(2);
        for (int g = 1; g < c->row_blocks; g++)
            pljoin(0.0, rows * g / (double)c->row_blocks, cols, rows * g / (double)c->row_blocks);
        for (int g = 1; g < c->col_blocks; g++)
            pljoin(cols * g / (double)c->col_blocks, 0.0, cols * g / (double)c->col_blocks, rows);
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

/* The panels of the three time-course figures of a task. */
typedef struct {
    const char *name;  /* file name part */
    const char *what;  /* title part */
    int n, q[MAX_PANELS];
} panel_set;

static void panel_sets(const summary_task *t, panel_set sets[3]) {
    sets[0] = (panel_set){"modularity", "Q#dcor#u and Q#dstr#u", 2, {SQ_Q_COR, SQ_Q_STR}};
    if (summary_quantity_in_task(SQ_D_IN, t->task))
        sets[1] = (panel_set){"dindex", "D#dcor#u, D#din#u and D#dout#u", 3, {SQ_D_COR, SQ_D_IN, SQ_D_OUT}};
    else
        sets[1] = (panel_set){"dindex", "D#dcor#u and D#dout#u", 2, {SQ_D_COR, SQ_D_OUT}};
    /* the task's success quantity (accuracy, R²) beside the loss and Î */
    const int acc = summary_quantity_in_task(SQ_ACCURACY, t->task);
    sets[2] = (panel_set){"learning", acc ? "task loss, accuracy and Î" : "task loss, R#u2#d and Î", 3,
                          {SQ_TASK_LOSS, acc ? SQ_ACCURACY : SQ_R2_MEAN, SQ_MI}};
}

/* The time-course figures: per task the conditions overlaid, mean ± sd over
 * each one's finished trials (<task>_<set>), and per condition its trials one
 * by one with their mean (<task>_<condition>_<set>). */
static int timecourse_figures(const summary_analysis *a, const char *dir, FILE *log, mimod_err *err) {
    const summary_task *t = a->task;
    curve_group *groups = calloc((size_t)(a->n_conditions ? a->n_conditions : 1), sizeof *groups);
    if (!groups) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    int n = 0, rc = MIMOD_OK;
    int *cond_of_group = malloc(sizeof(int) * (size_t)(a->n_conditions ? a->n_conditions : 1));
    if (!cond_of_group) {
        free(groups);
        return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    }
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        if (C->n_points == 0) continue;
        char text[160];
        condition_text(a, c, 0, text, sizeof text);
        snprintf(groups[n].label, sizeof groups[n].label, "%s (n = %d)", text, C->n_points);
        groups[n].band = C->points;
        groups[n].n_band = C->n_points;
        cond_of_group[n++] = c;
    }
    panel_set sets[3];
    panel_sets(t, sets);
    char fixed[96], base[320];
    fixed_text(t, fixed, sizeof fixed);
    for (int s = 0; s < 3 && n > 0 && !rc; s++) {
        curves_ctx ctx = {.task = t, .n_panels = sets[s].n, .cols = 1, .n_groups = n, .groups = groups};
        memcpy(ctx.quantities, sets[s].q, sizeof ctx.quantities);
        snprintf(ctx.title, sizeof ctx.title, "%s: %s over training, by condition%s", t->name, sets[s].what,
                 fixed);
        snprintf(ctx.subtitle, sizeof ctx.subtitle,
                 "line: mean over the condition's finished trials; band: ± 1 sd");
        snprintf(base, sizeof base, "%s_%s", t->name, sets[s].name);
        rc = render(dir, base, draw_curves, &ctx, log, err);
    }
    /* one condition, its trials one by one (the modularity and D sets) */
    for (int g = 0; g < n && !rc; g++) {
        const summary_condition *C = &a->conditions[cond_of_group[g]];
        char text[160], slug[160];
        condition_text(a, cond_of_group[g], 0, text, sizeof text);
        condition_text(a, cond_of_group[g], 1, slug, sizeof slug);
        curve_group one = {.band = C->points, .n_band = C->n_points, .lines = C->points,
                           .n_lines = C->n_points};
        snprintf(one.label, sizeof one.label, "%s: mean (thick) and each of the %d trials (thin)", text,
                 C->n_points);
        for (int s = 0; s < 2 && !rc; s++) {
            curves_ctx ctx = {.task = t, .n_panels = sets[s].n, .cols = 1, .n_groups = 1, .groups = &one};
            memcpy(ctx.quantities, sets[s].q, sizeof ctx.quantities);
            snprintf(ctx.title, sizeof ctx.title, "%s, %s%s: %s over training", t->name, text, fixed,
                     sets[s].what);
            snprintf(ctx.subtitle, sizeof ctx.subtitle, "band: mean ± 1 sd over the finished trials");
            snprintf(base, sizeof base, "%s_%s_%s", t->name, slug, sets[s].name);
            rc = render(dir, base, draw_curves, &ctx, log, err);
        }
    }
    free(groups);
    free(cond_of_group);
    return rc;
}

/* The rows of W_out: SEP's outputs Lorenz x, y, z, Rössler x, y, z; WM's the two bits */

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
    if ((rc = timecourse_figures(a, dir, log, err))) return rc;

    /* one trial: named by its condition and seed */
    if (point < 0) point = summary_default_trial(a);
    if (point < 0) return MIMOD_OK; /* nothing finished yet */
    int64_t N = t->n_units, O = t->n_out;
    const int K = summary_point_groups(t, point); /* group boundaries in the figures */
    int64_t src_file, src_point; /* where its matrices are (several files: summary_merge.h) */
    summary_point_source(t, file, point, &src_file, &src_point);
    int64_t cap = 3 * N * N + 16 * N + 64;
    double *buf = malloc(sizeof(double) * (size_t)cap);
    if (!buf) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    int64_t rows, cols;
    char who[512], base[400], title[768], text[160], slug[160], fixed[96];
    int c = summary_condition_of(a, (int)point);
    condition_text(a, c, 0, text, sizeof text);
    condition_text(a, c, 1, slug, sizeof slug);
    fixed_text(t, fixed, sizeof fixed);
    char seed_name[48];
    if (summary_axis_index(t, "seed") >= 0 && t->seeds) {
        snprintf(seed_name, sizeof seed_name, "seed%llu", (unsigned long long)t->seeds[point]);
        snprintf(who, sizeof who, "%s, %s%s, seed %llu (point %lld)", t->name, text, fixed,
                 (unsigned long long)t->seeds[point], (long long)point);
    } else {
        snprintf(seed_name, sizeof seed_name, "point%lld", (long long)point);
        snprintf(who, sizeof who, "%s, %s%s (point %lld)", t->name, text, fixed, (long long)point);
    }
    /* every figure of the trial: <task>_<condition>_seed<s>_<what> */
#define TRIAL_BASE(what) snprintf(base, sizeof base, "%s_%s_%s_%s", t->name, slug, seed_name, what)

    rc = summary_read_point_matrix(src_file, t->name, "final/unit_out_corr", src_point, buf, cap, &rows,
                                   &cols, err);
    if (rc == MIMOD_OK) {
        if (rows != N || cols != O) {
            rc = mimod_errf(err, MIMOD_EIO, "final/unit_out_corr is %lld×%lld, expected %lld×%lld",
                            (long long)rows, (long long)cols, (long long)N, (long long)O);
        } else {
            const int n_targets = summary_task_targets(t);
            if (n_targets == 2) {
                snprintf(title, sizeof title, "%s: unit-output correlation", who);
                scatter_ctx sc = {.unit_out = buf, .n_units = (int)N, .n_out = (int)O, .n_groups = K,
                                  .title = title};
                TRIAL_BASE("unit_out_scatter");
                rc = render(dir, base, draw_scatter, &sc, log, err);
            } else {
                /* other than two targets (wm_bits, sep_sources): no plane of
                 * target 1 against target 2, but the matrix itself, the unit
                 * groups and the targets' output blocks marked */
                snprintf(title, sizeof title, "%s: |corr(unit, output)|, %d groups, %d targets", who,
                         K, n_targets);
                heatmap_ctx hc = {.m = buf, .rows = (int)N, .cols = (int)O, .absolute = 1,
                                  .row_blocks = K, .col_blocks = n_targets, .fixed_max = 1.0,
                                  .title = title, .xlabel = "output k", .ylabel = "unit i",
                                  .zlabel = "|corr|"};
                TRIAL_BASE("unit_out");
                rc = render(dir, base, draw_heatmap, &hc, log, err);
            }
        }
    }
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(src_file, t->name, "final/corr", src_point, buf, cap, &rows, &cols,
                                       err);
    if (rc == MIMOD_OK) {
        snprintf(title, sizeof title, "%s: |corr| of unit states", who);
        heatmap_ctx hc = {.m = buf, .rows = (int)rows, .cols = (int)cols, .absolute = 1,
                          .group_lines = K, .fixed_max = 1.0, .title = title, .xlabel = "unit j",
                          .ylabel = "unit i", .zlabel = "|corr|"};
        TRIAL_BASE("corr");
        rc = render(dir, base, draw_heatmap, &hc, log, err);
    }
    /* the structural matrix of Q_str: N rows of a weight tensor from row
     * block·N (the task says which; SEP: U_h, rows 2N..3N−1 of u, SPEC §5) */
    const task_model *model = t->task->model;
    const int64_t row0 = (int64_t)model->structural_block * N;
    char wname[96];
    snprintf(wname, sizeof wname, "weights/%s", model->structural_tensor);
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(src_file, t->name, wname, src_point, buf, cap, &rows, &cols, err);
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
            snprintf(title, sizeof title, "%s: %s%s%s%s", who, symbol,
                     model->structural_note ? " (" : "",
                     model->structural_note ? model->structural_note : "",
                     model->structural_note ? ")" : "");
            heatmap_ctx hc = {.m = m, .rows = (int)rows, .cols = (int)cols, .absolute = 0,
                              .group_lines = K, .title = title, .xlabel = "presynaptic unit j",
                              .ylabel = "postsynaptic unit i", .zlabel = "weight"};
            TRIAL_BASE(name);
            rc = render(dir, base, draw_heatmap, &hc, log, err);
        }
    }
    if (rc == MIMOD_OK)
        rc = summary_read_point_matrix(src_file, t->name, "weights/w_out", src_point, buf, cap, &rows,
                                       &cols, err);
    if (rc == MIMOD_OK) {
        snprintf(title, sizeof title, "%s: |W#dout#u|", who);
        /* few outputs: each row named by its task (tasks.h: "Lx", "bit 1") */
        char row_text[16][32];
        const char *row_names[16];
        const int named = rows <= 16 && t->task->output_name;
        for (int i = 0; named && i < (int)rows; i++) {
            t->task->output_name((int)rows, i, row_text[i], sizeof row_text[i]);
            row_names[i] = row_text[i];
        }
        heatmap_ctx hc = {.m = buf, .rows = (int)rows, .cols = (int)cols, .absolute = 1,
                          .group_lines = K, .title = title, .xlabel = "unit", .ylabel = "output",
                          .zlabel = "|weight|", .row_names = named ? row_names : NULL};
        TRIAL_BASE("w_out");
        rc = render(dir, base, draw_heatmap, &hc, log, err);
    }
#undef TRIAL_BASE
    free(buf);
    if (rc) mimod_err_prefix(err, "figures for /%s point %lld", t->name, (long long)point);
    return rc;
}

/* --status --figures: one figure per task, <task>_live: task loss, Î, Q_cor and
 * Q_str (one quantity, so one unit, per panel); per condition with running
 * points, in its own colour, each running point as far as it has got (a dot
 * at its last record) over the band of the condition's finished trials. No
 * two conditions are ever averaged together. */
int summary_status_figures(const summary_task *t, const char *dir, FILE *log, mimod_err *err) {
    int n_running = 0;
    for (int64_t p = 0; p < t->n_points; p++) n_running += t->status[p] == RESULTS_RUNNING;
    if (n_running == 0) return MIMOD_OK;
    summary_options o;
    summary_options_default(&o);
    summary_analysis a;
    int rc = summary_analyze(t, &o, &a, err);
    if (rc) return rc;
    curve_group *groups = calloc((size_t)a.n_conditions, sizeof *groups);
    int *running = malloc(sizeof(int) * (size_t)n_running), *count = calloc((size_t)a.n_conditions, sizeof(int));
    if (!groups || !running || !count) rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    int n = 0;
    if (!rc) {
        /* the running points grouped by condition, in the conditions' order */
        int filled = 0;
        for (int c = 0; c < a.n_conditions; c++) {
            const summary_condition *C = &a.conditions[c];
            int first = filled;
            for (int64_t p = 0; p < t->n_points; p++)
                if (t->status[p] == RESULTS_RUNNING && summary_condition_of(&a, (int)p) == c)
                    running[filled++] = (int)p;
            if (filled == first) continue;
            curve_group *G = &groups[n++];
            G->lines = running + first;
            G->n_lines = filled - first;
            G->end_marks = 1;
            G->band = C->points;
            G->n_band = C->n_points;
            char text[160];
            condition_text(&a, c, 0, text, sizeof text);
            snprintf(G->label, sizeof G->label, "%s: %d running, %d done", text, G->n_lines, C->n_points);
        }
        rc = make_dir(dir, err);
    }
    if (!rc && n > 0) {
        char fixed[96], base[96];
        fixed_text(t, fixed, sizeof fixed);
        curves_ctx ctx = {.task = t, .n_panels = 4, .cols = 2, .n_groups = n, .groups = groups,
                          .quantities = {SQ_TASK_LOSS, SQ_MI, SQ_Q_COR, SQ_Q_STR}};
        snprintf(ctx.title, sizeof ctx.title, "%s, live: the running points so far, by condition%s",
                 t->name, fixed);
        snprintf(ctx.subtitle, sizeof ctx.subtitle,
                 "thin: each running point (dot: its last record); band: mean ± sd of the condition's "
                 "finished trials");
        snprintf(base, sizeof base, "%s_live", t->name);
        rc = render(dir, base, draw_curves, &ctx, log, err);
    }
    free(groups);
    free(running);
    free(count);
    summary_analysis_free(&a);
    return rc;
}
