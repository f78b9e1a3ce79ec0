/* sweep_def.c — loading a sweep definition (docs/sweep.md) with libyaml's
 * document API, validating every key through config_set with the value's
 * file:line:column, and expanding the grid. */
#include "mimod/sweep.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>
#include "mimod/results_h5.h"
#include "mimod/tasks.h"
#include "mimod/text.h"
#include "mimod/yaml_doc.h"

static const char *const top_keys[] = {"description", "output", "preset", "tasks", "overrides",
                                       "task_overrides", "grid", "task_grid"};
#define N_TOP_KEYS (int)(sizeof top_keys / sizeof top_keys[0])

/* The sweep file being read (yaml_doc.h). */
typedef yaml_doc ctx;

/* " (did you mean 'x'?)" or "" into buf; candidates: config keys (and top keys if top). */
static void suggest(const char *key, int top, char *buf, size_t cap) {
    int n = config_n_keys();
    const char *names[n + N_TOP_KEYS];
    for (int i = 0; i < n; i++) names[i] = config_key_name(i);
    for (int i = 0; i < N_TOP_KEYS; i++) names[n + i] = top_keys[i];
    mimod_suggest(key, names, n + (top ? N_TOP_KEYS : 0), buf, cap);
}

/* A task of the table by its name. */
static int parse_task_name(const ctx *x, const yaml_node_t *n, const mimod_task **k) {
    const char *v = ydoc_scalar(n);
    if (v && (*k = mimod_task_find(v))) return MIMOD_OK;
    char names[256];
    mimod_task_names(names, sizeof names);
    return ydoc_fail_at(x, n, "task: expected %s, got %s", names, v ? v : ydoc_type_name(n));
}

/* Apply a mapping {key: value} of config keys to c. */
static int apply_overrides(const ctx *x, const yaml_node_t *map, mimod_config *c, const char *what) {
    if (map->type != YAML_MAPPING_NODE)
        return ydoc_fail_at(x, map, "%s: expected a mapping of key: value, got %s", what, ydoc_type_name(map));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
        const char *key = ydoc_scalar(k);
        if (!key) return ydoc_fail_at(x, k, "%s: keys must be plain names", what);
        if (strcmp(key, "task") == 0 || strcmp(key, "preset") == 0) {
            if (strcmp(key, "preset") == 0 && strcmp(what, "task_overrides") == 0) continue;
            return ydoc_fail_at(x, k, "%s: key '%s' is set at the top level of the sweep, not here",
                           what, key);
        }
        if (!config_has_key(key)) {
            char hint[96];
            suggest(key, 0, hint, sizeof hint);
            return ydoc_fail_at(x, k, "%s: unknown key '%s'%s", what, key, hint);
        }
        if (!ydoc_scalar(v))
            return ydoc_fail_at(x, v, "key '%s': expected a single value, got %s", key, ydoc_type_name(v));
        char where[PATH_MAX + 64];
        ydoc_where(x, v, where, sizeof where);
        int rc = config_set(c, key, ydoc_scalar(v), where, x->err);
        if (rc) return rc;
    }
    return MIMOD_OK;
}

static void axis_free(sweep_axis *a) {
    for (int i = 0; i < a->n_values; i++) free(a->values[i]);
    free(a->values);
    free(a->numeric);
    memset(a, 0, sizeof *a);
}

static int axis_push(sweep_axis *a, const char *text, double num) {
    char **v = realloc(a->values, (size_t)(a->n_values + 1) * sizeof *v);
    if (!v) return MIMOD_ENOMEM;
    a->values = v;
    double *d = realloc(a->numeric, (size_t)(a->n_values + 1) * sizeof *d);
    if (!d) return MIMOD_ENOMEM;
    a->numeric = d;
    if (!(a->values[a->n_values] = strdup(text))) return MIMOD_ENOMEM;
    a->numeric[a->n_values++] = num;
    return MIMOD_OK;
}

/* Validate one axis value on a scratch copy of base and store its canonical text. */
static int axis_add_value(const ctx *x, const yaml_node_t *vnode, const char *text,
                          const mimod_config *base, sweep_axis *a) {
    mimod_config scratch = *base;
    char where[PATH_MAX + 64], canon[128];
    ydoc_where(x, vnode, where, sizeof where);
    int rc = config_set(&scratch, a->name, text, where, x->err);
    if (rc) return rc;
    if ((rc = config_get(&scratch, a->name, canon, sizeof canon, x->err))) return rc;
    double num;
    char *end;
    if (strcmp(canon, "true") == 0) num = 1;
    else if (strcmp(canon, "false") == 0) num = 0;
    else {
        errno = 0;
        num = strtod(canon, &end);
        if (end == canon || *end || errno)
            return ydoc_fail_at(x, vnode, "axis '%s': values must be numbers or booleans (got '%s'); "
                           "use separate sweep files for other settings", a->name, text);
    }
    if (axis_push(a, canon, num)) return mimod_errf(x->err, MIMOD_ENOMEM, "out of memory");
    return MIMOD_OK;
}

/* An integer bound of a range as sign and magnitude: a seed range may reach 2^64 − 1, other
 * keys may be negative. */
typedef struct { int neg; unsigned long long mag; } range_bound;

static int parse_bound(const char *s, range_bound *b) {
    if (!s) return -1;
    const char *p = s;
    b->neg = 0;
    if (*p == '-') { b->neg = 1; p++; }
    else if (*p == '+') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    errno = 0;
    char *end;
    b->mag = strtoull(p, &end, 10);
    if (*end || errno == ERANGE) return -1;
    if (b->neg && b->mag > (unsigned long long)LLONG_MAX + 1ull) return -1;
    if (b->mag == 0) b->neg = 0;
    return 0;
}

#define SWEEP_MAX_RANGE 100000ull /* to − from of one range */

/* to − from of a range; 0 with *empty = 1 when to < from; 0 with *too_long = 1 when it
 * exceeds SWEEP_MAX_RANGE. */
static unsigned long long range_span(range_bound f, range_bound t, int *empty, int *too_long) {
    unsigned long long d = 0;
    *empty = *too_long = 0;
    if (!f.neg && !t.neg) {
        if (t.mag < f.mag) *empty = 1;
        else d = t.mag - f.mag;
    } else if (f.neg && t.neg) {
        if (t.mag > f.mag) *empty = 1;
        else d = f.mag - t.mag;
    } else if (f.neg) {
        if (t.mag > SWEEP_MAX_RANGE || f.mag > SWEEP_MAX_RANGE) *too_long = 1;
        else d = t.mag + f.mag;
    } else {
        *empty = 1;
    }
    if (d > SWEEP_MAX_RANGE) { *too_long = 1; d = 0; }
    return d;
}

/* Parse {from: a, to: b}: checks only (no values); *n = its number of values. */
static int parse_range(const ctx *x, const char *key, const yaml_node_t *v, range_bound *from,
                       range_bound *to, unsigned long long *n) {
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        const char *rk = ydoc_scalar(yaml_document_get_node(x->doc, p->key));
        if (!rk || (strcmp(rk, "from") && strcmp(rk, "to")))
            return ydoc_fail_at(x, yaml_document_get_node(x->doc, p->key),
                           "axis '%s': a range has only the keys 'from' and 'to'", key);
    }
    yaml_node_t *fn = ydoc_map_get(x, v, "from"), *tn = ydoc_map_get(x, v, "to");
    if (!fn || !tn) return ydoc_fail_at(x, v, "axis '%s': a range needs both 'from' and 'to'", key);
    if (parse_bound(ydoc_scalar(fn), from))
        return ydoc_fail_at(x, fn, "axis '%s': 'from' must be an integer between %lld and %llu", key,
                       LLONG_MIN, ULLONG_MAX);
    if (parse_bound(ydoc_scalar(tn), to))
        return ydoc_fail_at(x, tn, "axis '%s': 'to' must be an integer between %lld and %llu", key,
                       LLONG_MIN, ULLONG_MAX);
    int empty, too_long;
    unsigned long long d = range_span(*from, *to, &empty, &too_long);
    if (too_long)
        return ydoc_fail_at(x, v, "axis '%s': range too long (at most %llu values)", key,
                       SWEEP_MAX_RANGE + 1);
    *n = empty ? 0 : d + 1;
    return MIMOD_OK;
}

/* Number of values of an axis node without parsing them (0 if malformed: the parse says why). */
static double axis_length(const ctx *x, const yaml_node_t *v) {
    if (v->type == YAML_SEQUENCE_NODE) return (double)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (v->type != YAML_MAPPING_NODE) return 0;
    mimod_err scratch = {0};
    ctx quiet = *x;
    quiet.err = &scratch;
    range_bound f, t;
    unsigned long long n = 0;
    return parse_range(&quiet, "", v, &f, &t, &n) ? 0 : (double)n;
}

/* Two values of an axis are one trial when they are the same number (0 and
 * -0.0, 1e-1 and 0.1 once canonical): compared as numbers, except seeds,
 * whose 64 bits a double cannot hold (their canonical text is exact). */
static int axis_compare(const sweep_axis *a, int i, int j) {
    if (strcmp(a->name, "seed") == 0) return strcmp(a->values[i], a->values[j]);
    return (a->numeric[i] > a->numeric[j]) - (a->numeric[i] < a->numeric[j]);
}

/* Index order for finding repeated values in O(n log n). */
static const sweep_axis *sort_axis;
static int by_value_then_index(const void *pa, const void *pb) {
    int a = *(const int *)pa, b = *(const int *)pb;
    int c = axis_compare(sort_axis, a, b);
    return c ? c : (a > b) - (a < b);
}

/* Parse a grid axis: a list of values, or {from: a, to: b} (integers, inclusive). */
static int parse_axis(const ctx *x, const yaml_node_t *k, const yaml_node_t *v,
                      const mimod_config *base, sweep_axis *a) {
    const char *key = ydoc_scalar(k);
    if (!key) return ydoc_fail_at(x, k, "grid: axis names must be plain keys");
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", key);
    if (strcmp(key, "preset") == 0)
        return ydoc_fail_at(x, k, "grid: 'preset' cannot be an axis; use separate sweep files");
    if (!config_has_key(key)) {
        char hint[96];
        suggest(key, 0, hint, sizeof hint);
        return ydoc_fail_at(x, k, "grid: unknown key '%s'%s", key, hint);
    }
    if (config_key_changes_shape(key))
        return ydoc_fail_at(x, k, "grid: key '%s' changes the shape of the result datasets and "
                       "cannot be an axis; write one sweep file per value", key);
    int rc;
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(x->doc, *it);
            if (!ydoc_scalar(e))
                return ydoc_fail_at(x, e, "axis '%s': expected single values in the list, got %s", key,
                               ydoc_type_name(e));
            if ((rc = axis_add_value(x, e, ydoc_scalar(e), base, a))) return rc;
        }
        /* a value twice: sort the indices by value, report the earliest repeat */
        if (a->n_values > 1) {
            int *idx = malloc((size_t)a->n_values * sizeof *idx);
            if (!idx) return mimod_errf(x->err, MIMOD_ENOMEM, "out of memory");
            for (int i = 0; i < a->n_values; i++) idx[i] = i;
            sort_axis = a;
            qsort(idx, (size_t)a->n_values, sizeof *idx, by_value_then_index);
            int repeat = -1, first = -1;
            for (int i = 1; i < a->n_values; i++)
                if (axis_compare(a, idx[i], idx[i - 1]) == 0 && (repeat < 0 || idx[i] < repeat)) {
                    repeat = idx[i];
                    first = idx[i - 1];
                }
            free(idx);
            yaml_node_t *rn = repeat >= 0 ? yaml_document_get_node(x->doc, v->data.sequence.items.start[repeat]) : NULL;
            if (repeat >= 0 && strcmp(a->values[repeat], a->values[first]) == 0)
                return ydoc_fail_at(x, rn, "axis '%s': value %s appears twice", key, a->values[repeat]);
            if (repeat >= 0)
                return ydoc_fail_at(x, rn, "axis '%s': value %s appears twice: it is the same number as %s "
                               "(the same trial twice would count as two seeds' results)", key,
                               ydoc_scalar(rn), a->values[first]);
        }
    } else if (v->type == YAML_MAPPING_NODE) {
        range_bound from, to;
        unsigned long long n;
        if ((rc = parse_range(x, key, v, &from, &to, &n))) return rc;
        const yaml_node_t *fn = ydoc_map_get(x, v, "from");
        long long sfrom = from.neg ? -(long long)(from.mag - 1) - 1 : 0;
        for (unsigned long long i = 0; i < n; i++) {
            char text[32];
            if (from.neg) snprintf(text, sizeof text, "%lld", sfrom + (long long)i);
            else snprintf(text, sizeof text, "%llu", from.mag + i);
            if ((rc = axis_add_value(x, fn, text, base, a))) return rc;
        }
    } else {
        return ydoc_fail_at(x, v, "axis '%s': expected a list of values or {from: .., to: ..}, got a "
                       "single value (write [%s] for one value)", key, ydoc_scalar(v));
    }
    if (a->n_values == 0) return ydoc_fail_at(x, v, "axis '%s' is empty", key);
    return MIMOD_OK;
}

/* Parse a grid mapping into t->axes; axes already present are replaced (task_grid). */
static int parse_grid(const ctx *x, const yaml_node_t *g, sweep_task *t, const char *what,
                      int replace, const yaml_node_t *ov_global, const yaml_node_t *ov_task) {
    if (g->type != YAML_MAPPING_NODE)
        return ydoc_fail_at(x, g, "%s: expected a mapping of axis: [values], got %s", what, ydoc_type_name(g));
    if (g->data.mapping.pairs.top == g->data.mapping.pairs.start)
        return ydoc_fail_at(x, g, "%s is empty: give at least one axis", what);
    int first_new = t->n_axes;
    for (yaml_node_pair_t *p = g->data.mapping.pairs.start; p < g->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
        const char *key = ydoc_scalar(k);
        if (key && strcmp(key, "task") == 0) {
            if (replace) return ydoc_fail_at(x, k, "%s: 'task' cannot be an axis of one task", what);
            continue; /* the task list, handled by the caller */
        }
        if (key && (ydoc_map_get(x, ov_global, key) || ydoc_map_get(x, ov_task, key)))
            return ydoc_fail_at(x, k, "%s: '%s' is both an override and an axis", what, key);
        int slot = -1;
        for (int i = 0; key && i < t->n_axes; i++)
            if (strcmp(t->axes[i].name, key) == 0) {
                if (i >= first_new || !replace)
                    return ydoc_fail_at(x, k, "%s: duplicate axis '%s'", what, key);
                slot = i;
            }
        if (slot < 0) {
            if (t->n_axes == SWEEP_MAX_AXES) return ydoc_fail_at(x, k, "%s: too many axes", what);
            slot = t->n_axes++;
        } else {
            axis_free(&t->axes[slot]);
        }
        int rc = parse_axis(x, k, v, &t->base, &t->axes[slot]);
        if (rc) return rc;
    }
    return MIMOD_OK;
}

void sweep_free(sweep_def *s) {
    for (int i = 0; s->task && i < s->n_tasks; i++) {
        for (int a = 0; a < s->task[i].n_axes; a++) axis_free(&s->task[i].axes[a]);
        free(s->task[i].coords);
        free(s->task[i].seeds);
        free(s->task[i].order);
    }
    free(s->task);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* The whole sweep file, which must be a regular text file of at most SWEEP_MAX_BYTES. */
static char *read_file(const char *path, mimod_err *err) {
    char *text = NULL;
    size_t n = 0;
    if (mimod_read_text_file(path, SWEEP_MAX_BYTES, "sweep file", " (it is stored whole in the "
                             "result file, root attribute sweep_yaml)", &text, &n, err))
        return NULL;
    /* a NUL byte would cut the text short unseen: not a text file */
    size_t line = 1, col = 1;
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '\0') {
            free(text);
            mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: not a text file (a NUL byte); a sweep file is "
                       "YAML text", path, line, col);
            return NULL;
        }
        if (text[i] == '\n') { line++; col = 1; }
        else col++;
    }
    return text;
}

/* libyaml's scanner costs O(depth) per token in flow collections ([[[...]]]), so
 * a deeply nested file would take minutes: refuse nesting deeper than
 * SWEEP_MAX_DEPTH before parsing. A rough scan (quotes and comments skipped);
 * a sweep file needs depth 3. */
#define SWEEP_MAX_DEPTH 32
static int check_nesting(const char *path, const char *text, mimod_err *err) {
    int depth = 0;
    size_t line = 1, col = 1;
    char quote = 0;
    int comment = 0;
    for (const char *p = text; *p; p++, col++) {
        char c = *p;
        if (c == '\n') { line++; col = 0; comment = 0; continue; }
        if (comment) continue;
        if (quote) {
            if (quote == '"' && c == '\\' && p[1] && p[1] != '\n') { p++; col++; }
            else if (c == quote) quote = 0;
            continue;
        }
        if (c == '#' && (p == text || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n')) comment = 1;
        else if (c == '"' || c == '\'') {
            /* a quote opens a quoted scalar only at the start of one */
            char b = p == text ? ' ' : p[-1];
            if (b == ' ' || b == '\t' || b == '\n' || b == '[' || b == '{' || b == ',' || b == ':' ||
                b == '-')
                quote = c;
        } else if (c == '[' || c == '{') {
            if (++depth > SWEEP_MAX_DEPTH)
                return mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: lists/mappings nested deeper than "
                                  "%d levels", path, line, col, SWEEP_MAX_DEPTH);
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return MIMOD_OK;
}

/* Normalised text of the expanded definition: per task its base configuration
 * (without run-control keys and legacy defaults), axis names and every point's values. The sweep
 * file's layout, comments and output path do not enter. */
static int compute_hash(sweep_def *s, mimod_err *err) {
    text_buf b = {0};
    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        text_buf_add(&b, "task ");
        text_buf_add(&b, t->name);
        text_buf_add(&b, "\n");
        char *yaml = NULL;
        int rc = config_to_yaml(&t->base, &yaml, err);
        if (rc) { free(b.s); return rc; }
        for (char *line = yaml; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            /* run control and legacy defaults (n_groups: 2, …) left out:
             * hashes of sweeps made before those keys existed stay the same */
            if (!config_line_left_out(line)) {
                text_buf_add(&b, line);
                text_buf_add(&b, "\n");
            }
            line = nl ? nl + 1 : NULL;
        }
        free(yaml);
        for (int a = 0; a < t->n_axes; a++) {
            text_buf_add(&b, "axis ");
            text_buf_add(&b, t->axes[a].name);
            for (int v = 0; v < t->axes[a].n_values; v++) {
                text_buf_add(&b, " ");
                text_buf_add(&b, t->axes[a].values[v]);
            }
            text_buf_add(&b, "\n");
        }
    }
    if (b.oom) { free(b.s); return mimod_errf(err, MIMOD_ENOMEM, "out of memory"); }
    results_hash_text(b.s ? b.s : "", s->hash);
    free(b.s);
    return MIMOD_OK;
}

static int value_index(const sweep_task *t, int p, int a);

static int expand(sweep_def *s, const ctx *x, const yaml_node_t *const *grid_of, mimod_err *err) {
    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        double n = 1;
        for (int a = 0; a < t->n_axes; a++) {
            n *= t->axes[a].n_values;
            t->axis_names[a] = t->axes[a].name;
        }
        const yaml_node_t *g = grid_of[i];
        if (n > SWEEP_MAX_POINTS)
            return ydoc_fail_at(x, g, "task %s has %.0f grid points; at most %d", t->name, n,
                           SWEEP_MAX_POINTS);
        t->n_points = (int)n;
        t->coords = malloc((size_t)n * (size_t)(t->n_axes ? t->n_axes : 1) * sizeof(double));
        if (!t->coords) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        int seed_axis = -1;
        for (int a = 0; a < t->n_axes; a++)
            if (strcmp(t->axes[a].name, "seed") == 0) seed_axis = a;
        if (seed_axis >= 0 && !(t->seeds = malloc((size_t)n * sizeof *t->seeds)))
            return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        for (long long p = 0; p < (long long)n; p++) {
            long long rest = p;
            for (int a = t->n_axes - 1; a >= 0; a--) {
                int nv = t->axes[a].n_values;
                t->coords[p * t->n_axes + a] = t->axes[a].numeric[rest % nv];
                rest /= nv;
            }
            if (seed_axis >= 0)
                t->seeds[p] = strtoull(t->axes[seed_axis].values[value_index(t, (int)p, seed_axis)],
                                       NULL, 10);
        }
        /* every point must pass the cross-key checks */
        for (int p = 0; p < t->n_points; p++) {
            mimod_config c;
            int rc = sweep_point_config(s, i, p, &c, err);
            if (!rc) rc = config_validate(&c, err);
            if (rc) {
                char label[512];
                sweep_point_label(s, i, p, label, sizeof label);
                return mimod_err_prefix(err, "%s:%zu:%zu: task %s, grid point %s", s->path,
                                        g->start_mark.line + 1, g->start_mark.column + 1, t->name,
                                        label);
            }
        }
    }
    return MIMOD_OK;
}

/* The axis value index of each axis at point p. */
static int value_index(const sweep_task *t, int p, int a) {
    int rest = t->order ? t->order[p] : p;
    for (int b = t->n_axes - 1; b > a; b--) rest /= t->axes[b].n_values;
    return rest % t->axes[a].n_values;
}

int sweep_point_of_values(const sweep_task *t, const int *vi) {
    int p = 0;
    for (int a = 0; a < t->n_axes; a++) p = p * t->axes[a].n_values + vi[a];
    return p;
}

int sweep_axis_value_index(const sweep_task *t, int a, double value, uint64_t seed) {
    const sweep_axis *ax = &t->axes[a];
    int is_seed = strcmp(ax->name, "seed") == 0;
    for (int v = 0; v < ax->n_values; v++) {
        if (is_seed ? strtoull(ax->values[v], NULL, 10) == seed : ax->numeric[v] == value) return v;
    }
    return -1;
}

int sweep_view_in_order(const sweep_def *s, const int *const *order, sweep_def *view,
                        mimod_err *err) {
    *view = *s;
    view->task = calloc((size_t)(s->n_tasks > 0 ? s->n_tasks : 1), sizeof *view->task);
    if (!view->task) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    for (int i = 0; i < s->n_tasks; i++) {
        const sweep_task *o = &s->task[i];
        sweep_task *t = &view->task[i];
        *t = *o;
        t->coords = NULL;
        t->seeds = NULL;
        t->order = NULL;
        int n = o->n_points, na = o->n_axes;
        t->coords = malloc((size_t)n * (size_t)(na ? na : 1) * sizeof(double));
        t->order = malloc((size_t)(n ? n : 1) * sizeof(int));
        if (o->seeds) t->seeds = malloc((size_t)(n ? n : 1) * sizeof(uint64_t));
        if (!t->coords || !t->order || (o->seeds && !t->seeds)) {
            sweep_view_free(view);
            return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        }
        for (int p = 0; p < n; p++) {
            /* the original's index of the point (o may be a view itself) */
            int q = order && order[i] ? order[i][p] : p;
            t->order[p] = o->order ? o->order[q] : q;
            memcpy(t->coords + (size_t)p * na, o->coords + (size_t)q * na, (size_t)na * sizeof(double));
            if (o->seeds) t->seeds[p] = o->seeds[q];
        }
    }
    return MIMOD_OK;
}

void sweep_view_free(sweep_def *view) {
    for (int i = 0; view->task && i < view->n_tasks; i++) {
        free(view->task[i].coords);
        free(view->task[i].seeds);
        free(view->task[i].order);
    }
    free(view->task);
    memset(view, 0, sizeof *view);
}

int sweep_point_config(const sweep_def *s, int task, int point, mimod_config *out, mimod_err *err) {
    const sweep_task *t = &s->task[task];
    *out = t->base;
    for (int a = 0; a < t->n_axes; a++) {
        int rc = config_set(out, t->axes[a].name, t->axes[a].values[value_index(t, point, a)],
                            "sweep grid", err);
        if (rc) return rc;
    }
    return MIMOD_OK;
}

void sweep_point_label(const sweep_def *s, int task, int point, char *buf, size_t n) {
    const sweep_task *t = &s->task[task];
    buf[0] = '\0';
    for (int a = 0; a < t->n_axes; a++) {
        size_t len = strlen(buf);
        snprintf(buf + len, n - len, "%s%s=%s", a ? " " : "", t->axes[a].name,
                 t->axes[a].values[value_index(t, point, a)]);
    }
}

/* Keys of one mapping, for finding repeated keys in O(n log n). */
typedef struct { const char *key; const yaml_node_t *node; size_t order; } key_ref;
static int by_key_then_order(const void *pa, const void *pb) {
    const key_ref *a = pa, *b = pb;
    int c = strcmp(a->key, b->key);
    return c ? c : (a->order > b->order) - (a->order < b->order);
}

/* No mapping below the top level may repeat a key (libyaml keeps both, and
 * code that looks a key up would silently use one of them). The top level is
 * checked by the caller with its own message. Grid mappings say "axis". */
static int check_duplicate_keys(const ctx *x, const yaml_node_t *root, const yaml_node_t *grid,
                                const yaml_node_t *task_grid) {
    key_ref *keys = NULL;
    size_t cap = 0;
    int rc = MIMOD_OK;
    for (yaml_node_t *m = x->doc->nodes.start; m < x->doc->nodes.top && !rc; m++) {
        if (m->type != YAML_MAPPING_NODE || m == root) continue;
        size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
        if (n < 2) continue;
        if (n > cap) {
            key_ref *k = realloc(keys, n * sizeof *k);
            if (!k) { rc = mimod_errf(x->err, MIMOD_ENOMEM, "out of memory"); break; }
            keys = k;
            cap = n;
        }
        size_t nk = 0;
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
            const yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
            if (ydoc_scalar(k)) keys[nk] = (key_ref){ydoc_scalar(k), k, nk}, nk++;
        }
        qsort(keys, nk, sizeof *keys, by_key_then_order);
        const key_ref *second = NULL, *first = NULL;
        for (size_t i = 1; i < nk; i++)
            if (strcmp(keys[i].key, keys[i - 1].key) == 0 && (!second || keys[i].order < second->order)) {
                second = &keys[i];
                first = &keys[i - 1];
                while (first > keys && strcmp((first - 1)->key, first->key) == 0) first--;
            }
        if (!second) continue;
        int axes = m == grid;
        for (yaml_node_pair_t *p = task_grid && task_grid->type == YAML_MAPPING_NODE
                                       ? task_grid->data.mapping.pairs.start : NULL;
             p && p < task_grid->data.mapping.pairs.top; p++)
            axes |= yaml_document_get_node(x->doc, p->value) == m;
        rc = ydoc_fail_at(x, second->node, "%s '%s' appears twice (first at line %zu, column %zu)%s",
                     axes ? "duplicate axis:" : "key", second->key, first->node->start_mark.line + 1,
                     first->node->start_mark.column + 1,
                     axes ? "" : "; a mapping may give each key once");
    }
    free(keys);
    return rc;
}

/* Refuse a grid whose product is too large before any value is parsed or expanded. */
static int check_grid_size(const ctx *x, const yaml_node_t *grid, const yaml_node_t *tg,
                           const char *task) {
    char names[SWEEP_MAX_AXES * 2][64];
    double len[SWEEP_MAX_AXES * 2];
    int n = 0;
    const yaml_node_t *maps[2] = {grid, tg};
    for (int m = 0; m < 2; m++) {
        if (!maps[m] || maps[m]->type != YAML_MAPPING_NODE) continue;
        for (yaml_node_pair_t *p = maps[m]->data.mapping.pairs.start; p < maps[m]->data.mapping.pairs.top; p++) {
            const char *key = ydoc_scalar(yaml_document_get_node(x->doc, p->key));
            if (!key || strcmp(key, "task") == 0) continue;
            int slot = -1;
            for (int i = 0; i < n; i++)
                if (strcmp(names[i], key) == 0) slot = i;
            if (slot < 0) {
                if (n == SWEEP_MAX_AXES * 2) break; /* parse_grid reports too many axes */
                slot = n++;
                snprintf(names[slot], sizeof names[slot], "%s", key);
            }
            len[slot] = axis_length(x, yaml_document_get_node(x->doc, p->value));
        }
    }
    double product = 1;
    for (int i = 0; i < n; i++) product *= len[i] > 0 ? len[i] : 1;
    if (product > SWEEP_MAX_POINTS)
        return ydoc_fail_at(x, tg ? tg : grid, "task %s would have %.4g grid points (the product of its "
                       "axes' lengths); at most %d", task, product, SWEEP_MAX_POINTS);
    return MIMOD_OK;
}

/* "key=value" of --set: the key (into buf) and the value, else NULL. */
static const char *split_set(const char *set, char *key, size_t cap) {
    const char *eq = strchr(set, '=');
    if (!eq || eq == set || (size_t)(eq - set) >= cap) return NULL;
    memcpy(key, set, (size_t)(eq - set));
    key[eq - set] = '\0';
    return eq + 1;
}

/* Check every --set before the file is read: the form, and a known key. */
static int check_sets(const char *const *sets, int n_sets, mimod_err *err) {
    for (int i = 0; i < n_sets; i++) {
        char key[128];
        const char *v = split_set(sets[i], key, sizeof key);
        if (!v || !*v)
            return mimod_errf(err, MIMOD_EINVAL, "--set %s: expected key=value", sets[i]);
        if (!strcmp(key, "preset")) continue;
        if (!strcmp(key, "task") || !config_has_key(key)) {
            char hint[96] = "";
            if (strcmp(key, "task")) suggest(key, 0, hint, sizeof hint);
            return mimod_errf(err, MIMOD_EINVAL, "--set %s: %s%s", sets[i],
                              !strcmp(key, "task") ? "the tasks are the sweep file's tasks: list"
                                                   : "unknown key", hint);
        }
    }
    return MIMOD_OK;
}

/* Apply the --set values (not preset) to one task's base configuration. */
static int apply_sets(const char *const *sets, int n_sets, mimod_config *c, mimod_err *err) {
    for (int i = 0; i < n_sets; i++) {
        char key[128], where[160];
        const char *v = split_set(sets[i], key, sizeof key);
        if (!strcmp(key, "preset")) continue;
        snprintf(where, sizeof where, "--set %s", key);
        int rc = config_set(c, key, v, where, err);
        if (rc) return rc;
    }
    return MIMOD_OK;
}

/* A --set key that is a grid axis of a task: an error naming both. */
static int check_sets_not_axes(const sweep_def *s, const char *const *sets, int n_sets,
                               mimod_err *err) {
    for (int i = 0; i < n_sets; i++) {
        char key[128];
        split_set(sets[i], key, sizeof key);
        for (int t = 0; t < s->n_tasks; t++)
            for (int a = 0; a < s->task[t].n_axes; a++)
                if (!strcmp(s->task[t].axes[a].name, key))
                    return mimod_errf(err, MIMOD_EINVAL, "--set %s: '%s' is a grid axis of %s (task "
                                      "%s); change its values in the file's grid", sets[i], key,
                                      s->path, s->task[t].name);
    }
    return MIMOD_OK;
}

/* The --set lines appended to the sweep's text, so the result file says how it was made. */
static int note_sets(sweep_def *s, const char *const *sets, int n_sets, mimod_err *err) {
    if (n_sets == 0) return MIMOD_OK;
    size_t len = strlen(s->text), add = 0;
    for (int i = 0; i < n_sets; i++) add += strlen(sets[i]) + 9;
    char *t = realloc(s->text, len + add + 2);
    if (!t) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
    s->text = t;
    if (len > 0 && t[len - 1] != '\n') t[len++] = '\n';
    for (int i = 0; i < n_sets; i++) len += (size_t)sprintf(t + len, "# --set %s\n", sets[i]);
    return MIMOD_OK;
}

int sweep_load(const char *path, sweep_def *s, mimod_err *err) {
    return sweep_load_set(path, NULL, 0, s, err);
}

int sweep_load_set(const char *path, const char *const *sets, int n_sets, sweep_def *s,
                   mimod_err *err) {
    memset(s, 0, sizeof *s);
    if (check_sets(sets, n_sets, err)) return MIMOD_EINVAL;
    snprintf(s->path, sizeof s->path, "%s", path);
    s->text = read_file(path, err);
    if (!s->text) return err ? err->code : MIMOD_EIO;
    if (check_nesting(path, s->text, err)) {
        sweep_free(s);
        return MIMOD_EINVAL;
    }

    yaml_parser_t parser;
    yaml_document_t doc, doc2;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, strlen(s->text));
    int loaded = yaml_parser_load(&parser, &doc);
    int second = 0;
    if (loaded) {
        /* one document per file: a second one (after --- or ...) would be ignored */
        if (!yaml_parser_load(&parser, &doc2)) {
            yaml_document_delete(&doc);
            loaded = 0;
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&doc2);
            if (r2) {
                second = 1;
                mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: a second YAML document; a sweep file "
                           "holds one (remove the '---' or '...' line and what follows)", path,
                           doc2.start_mark.line + 1, doc2.start_mark.column + 1);
            }
            yaml_document_delete(&doc2);
        }
    }
    if (!loaded) {
        int rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax: %s%s%s", path,
                            parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                            parser.problem ? parser.problem : "error",
                            parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        sweep_free(s);
        return rc;
    }
    yaml_parser_delete(&parser);
    if (second) {
        yaml_document_delete(&doc);
        sweep_free(s);
        return MIMOD_EINVAL;
    }
    ctx x = {path, &doc, err};
    const yaml_node_t **grid_of = NULL; /* [n_tasks]: the node each task's axes come from */
    int rc = MIMOD_OK;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *tasks = NULL, *overrides = NULL, *task_ov = NULL, *grid = NULL, *task_grid = NULL,
                *preset = NULL, *output = NULL, *task_axis = NULL;

    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: a sweep file is a mapping (output:, preset:, "
                        "tasks:, grid:, ...)%s", path, root ? root->start_mark.line + 1 : 1,
                        root ? root->start_mark.column + 1 : 1, root ? "" : "; this one is empty");
        goto done;
    }
    /* top-level keys: known, once each */
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        const char *key = ydoc_scalar(k);
        yaml_node_t **slot = NULL;
        if (!key) { rc = ydoc_fail_at(&x, k, "keys must be plain names"); goto done; }
        if (!strcmp(key, "description")) continue;
        else if (!strcmp(key, "output")) slot = &output;
        else if (!strcmp(key, "preset")) slot = &preset;
        else if (!strcmp(key, "tasks")) slot = &tasks;
        else if (!strcmp(key, "overrides")) slot = &overrides;
        else if (!strcmp(key, "task_overrides")) slot = &task_ov;
        else if (!strcmp(key, "grid")) slot = &grid;
        else if (!strcmp(key, "task_grid")) slot = &task_grid;
        else {
            char hint[96];
            suggest(key, 1, hint, sizeof hint);
            if (config_has_key(key))
                rc = ydoc_fail_at(&x, k, "'%s' is a trial key, not a sweep key: trial keys go under "
                             "overrides: or grid: (a sweep file has output:, tasks:, grid:, ...; "
                             "a trial configuration is run with mimod-train)", key);
            else
                rc = ydoc_fail_at(&x, k, "unknown key '%s'%s", key, hint);
            goto done;
        }
        if (*slot) { rc = ydoc_fail_at(&x, k, "key '%s' appears twice", key); goto done; }
        *slot = v;
    }
    if (!output || !ydoc_scalar(output) || !*ydoc_scalar(output)) {
        rc = output ? ydoc_fail_at(&x, output, "output: expected a file name")
                    : ydoc_fail_at(&x, root, "missing key 'output' (the result file)");
        goto done;
    }
    snprintf(s->output, sizeof s->output, "%s", ydoc_scalar(output));
    ydoc_where(&x, output, s->output_where, sizeof s->output_where);
    if (preset && !ydoc_scalar(preset)) { rc = ydoc_fail_at(&x, preset, "preset: expected a name"); goto done; }
    if (!grid) { rc = ydoc_fail_at(&x, root, "missing key 'grid' (at least one axis, e.g. seed)"); goto done; }
    if ((rc = check_duplicate_keys(&x, root, grid, task_grid))) goto done;
    if (grid->type == YAML_MAPPING_NODE) task_axis = ydoc_map_get(&x, grid, "task");

    /* the task list: `tasks:` or a `task` axis, not both */
    yaml_node_t *tl = tasks ? tasks : task_axis;
    if (tasks && task_axis) { rc = ydoc_fail_at(&x, task_axis, "give the tasks either as 'tasks:' or as a 'task' axis, not both"); goto done; }
    char task_names[256];
    mimod_task_names(task_names, sizeof task_names);
    if (!tl) { rc = ydoc_fail_at(&x, root, "missing key 'tasks' (one or a list of %s)", task_names); goto done; }
    size_t max_tasks = tl->type == YAML_SEQUENCE_NODE
                           ? (size_t)(tl->data.sequence.items.top - tl->data.sequence.items.start) : 1;
    s->task = calloc(max_tasks ? max_tasks : 1, sizeof *s->task);
    grid_of = calloc(max_tasks ? max_tasks : 1, sizeof *grid_of);
    if (!s->task || !grid_of) { rc = mimod_errf(err, MIMOD_ENOMEM, "out of memory"); goto done; }
    if (tl->type == YAML_SCALAR_NODE) {
        if ((rc = parse_task_name(&x, tl, &s->task[0].kind))) goto done;
        s->n_tasks = 1;
    } else if (tl->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = tl->data.sequence.items.start; it < tl->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(&doc, *it);
            const mimod_task *k;
            if ((rc = parse_task_name(&x, e, &k))) goto done;
            for (int i = 0; i < s->n_tasks; i++)
                if (s->task[i].kind == k) { rc = ydoc_fail_at(&x, e, "task '%s' listed twice", ydoc_scalar(e)); goto done; }
            s->task[s->n_tasks++].kind = k;
        }
        if (s->n_tasks == 0) { rc = ydoc_fail_at(&x, tl, "the task list is empty"); goto done; }
    } else {
        rc = ydoc_fail_at(&x, tl, "tasks: expected a list of tasks (%s), got %s", task_names, ydoc_type_name(tl));
        goto done;
    }
    if (overrides && overrides->type != YAML_MAPPING_NODE) {
        rc = ydoc_fail_at(&x, overrides, "overrides: expected a mapping of key: value, got %s", ydoc_type_name(overrides));
        goto done;
    }
    if (task_ov && task_ov->type != YAML_MAPPING_NODE) {
        rc = ydoc_fail_at(&x, task_ov, "task_overrides: expected a mapping task: {key: value}");
        goto done;
    }
    if (task_grid && task_grid->type != YAML_MAPPING_NODE) {
        rc = ydoc_fail_at(&x, task_grid, "task_grid: expected a mapping task: {axis: [values]}");
        goto done;
    }
    /* task names under task_overrides/task_grid must be tasks of this sweep */
    yaml_node_t *per_task[2] = {task_ov, task_grid};
    for (int m = 0; m < 2; m++) {
        if (!per_task[m]) continue;
        for (yaml_node_pair_t *p = per_task[m]->data.mapping.pairs.start; p < per_task[m]->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            const mimod_task *kind;
            if ((rc = parse_task_name(&x, k, &kind))) goto done;
            int found = 0;
            for (int i = 0; i < s->n_tasks; i++) found |= s->task[i].kind == kind;
            if (!found) { rc = ydoc_fail_at(&x, k, "task '%s' is not in this sweep's tasks", ydoc_scalar(k)); goto done; }
        }
    }

    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        t->name = t->kind->name;
        yaml_node_t *tov = ydoc_map_get(&x, task_ov, t->name);
        yaml_node_t *tpreset = ydoc_map_get(&x, tov, "preset");
        yaml_node_t *pnode = tpreset ? tpreset : preset;
        const char *pname = pnode ? ydoc_scalar(pnode) : t->kind->presets[0].name;
        char set_preset[128];
        const char *set_pname = NULL;
        for (int j = 0; j < n_sets; j++) {
            const char *v = split_set(sets[j], set_preset, sizeof set_preset);
            if (!strcmp(set_preset, "preset")) set_pname = v;
        }
        if (set_pname) pname = set_pname;
        if (!pname) { rc = ydoc_fail_at(&x, pnode, "preset: expected a name"); goto done; }
        if ((rc = config_preset(&t->base, pname, t->kind, err))) {
            if (set_pname) mimod_err_prefix(err, "--set preset");
            else if (pnode) {
                char where[PATH_MAX + 64];
                ydoc_where(&x, pnode, where, sizeof where);
                mimod_err_prefix(err, "%s", where);
            }
            goto done;
        }
        if (overrides && (rc = apply_overrides(&x, overrides, &t->base, "overrides"))) goto done;
        if (tov && (rc = apply_overrides(&x, tov, &t->base, "task_overrides"))) goto done;
        if ((rc = apply_sets(sets, n_sets, &t->base, err))) goto done;
        yaml_node_t *tg = ydoc_map_get(&x, task_grid, t->name);
        grid_of[i] = tg ? tg : grid;
        if ((rc = check_grid_size(&x, grid, tg, t->name))) goto done;
        if ((rc = parse_grid(&x, grid, t, "grid", 0, overrides, tov))) goto done;
        if (tg && (rc = parse_grid(&x, tg, t, "task_grid", 1, overrides, tov))) goto done;
        if (t->n_axes == 0) {
            rc = ydoc_fail_at(&x, grid, "grid: task %s has no axis besides 'task' (add e.g. seed: [0])", t->name);
            goto done;
        }
    }
    if ((rc = check_sets_not_axes(s, sets, n_sets, err))) goto done;
    if ((rc = expand(s, &x, grid_of, err))) goto done;
    if ((rc = compute_hash(s, err))) goto done;
    rc = note_sets(s, sets, n_sets, err);

done:
    free(grid_of);
    yaml_document_delete(&doc);
    if (rc) sweep_free(s);
    return rc;
}

int sweep_check_output(const char *path, mimod_err *err) {
    if (access(path, F_OK) == 0) {
        if (access(path, W_OK) != 0)
            return mimod_errf(err, MIMOD_EIO, "output %s exists and is not writable: %s", path,
                              strerror(errno));
        return MIMOD_OK;
    }
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    if (access(dir, F_OK) != 0)
        return mimod_errf(err, MIMOD_EIO, "output %s: directory %s does not exist", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return mimod_errf(err, MIMOD_EIO, "output %s: directory %s is not writable: %s", path, dir,
                          strerror(errno));
    return MIMOD_OK;
}

int sweep_check_log_dir(const char *dir, mimod_err *err) {
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return mimod_errf(err, MIMOD_EINVAL, "--log-dir %s is not a directory", dir);
        if (access(dir, W_OK | X_OK) != 0)
            return mimod_errf(err, MIMOD_EINVAL, "--log-dir %s cannot be written: %s", dir,
                              strerror(errno));
        return MIMOD_OK;
    }
    if (errno != ENOENT) return mimod_errf(err, MIMOD_EINVAL, "--log-dir %s: %s", dir, strerror(errno));
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", dir);
    const char *parent = dirname(copy);
    if (access(parent, W_OK | X_OK) != 0)
        return mimod_errf(err, MIMOD_EINVAL, "--log-dir %s does not exist and cannot be created "
                          "in %s: %s", dir, parent, strerror(errno));
    return MIMOD_OK;
}
