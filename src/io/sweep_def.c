/* sweep_def.c — loading a sweep definition (docs/sweep.md) with libyaml's
 * document API, validating every key through config_set with the value's
 * file:line:column, and expanding the grid. */
#include "mimod/sweep.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>
#include "mimod/results_h5.h"

static const char *const top_keys[] = {"description", "output", "preset", "tasks", "overrides",
                                       "task_overrides", "grid", "task_grid"};
#define N_TOP_KEYS (int)(sizeof top_keys / sizeof top_keys[0])

/* Keys whose value changes a dataset's shape: not allowed as axes. */
static const char *const shape_keys[] = {"n_units", "n_mm_steps", "record_every", "seq_len",
                                         "batch", "sep_n_samples", "sep_n_drop"};

/* Keys that change nothing in the results (left out of the hash). */
static const char *const run_control_keys[] = {"checkpoint_minutes"};

typedef struct {
    const char *file;
    yaml_document_t *doc;
    mimod_err *err;
} ctx;

static void where_of(const ctx *x, const yaml_node_t *n, char *buf, size_t cap) {
    snprintf(buf, cap, "%s:%zu:%zu", x->file, n->start_mark.line + 1, n->start_mark.column + 1);
}

static int fail_at(const ctx *x, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_at(const ctx *x, const yaml_node_t *n, const char *fmt, ...) {
    char where[PATH_MAX + 64], msg[800];
    where_of(x, n, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mimod_errf(x->err, MIMOD_EINVAL, "%s: %s", where, msg);
}

static const char *scalar(const yaml_node_t *n) {
    return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *type_name(const yaml_node_t *n) {
    return n->type == YAML_SCALAR_NODE ? "a single value"
           : n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

/* Edit distance, for "did you mean" hints. */
static int edit_distance(const char *a, const char *b) {
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

/* " (did you mean 'x'?)" or "" into buf; candidates: config keys (and top keys if top). */
static void suggest(const char *key, int top, char *buf, size_t cap) {
    const char *best = NULL;
    int best_d = 99;
    int n = config_n_keys();
    for (int i = 0; i < n + (top ? N_TOP_KEYS : 0); i++) {
        const char *k = i < n ? config_key_name(i) : top_keys[i - n];
        int dist = edit_distance(key, k);
        if (dist < best_d) { best_d = dist; best = k; }
    }
    int limit = (int)strlen(key) / 3 + 1;
    if (best && best_d <= (limit > 3 ? 3 : limit)) snprintf(buf, cap, " (did you mean '%s'?)", best);
    else buf[0] = '\0';
}

static int parse_task_name(const ctx *x, const yaml_node_t *n, mimod_task_kind *k) {
    const char *v = scalar(n);
    if (v && strcmp(v, "wm") == 0) { *k = TASK_WM; return MIMOD_OK; }
    if (v && strcmp(v, "sep") == 0) { *k = TASK_SEP; return MIMOD_OK; }
    return fail_at(x, n, "task: expected wm or sep, got %s", v ? v : type_name(n));
}

/* Apply a mapping {key: value} of config keys to c. */
static int apply_overrides(const ctx *x, const yaml_node_t *map, mimod_config *c, const char *what) {
    if (map->type != YAML_MAPPING_NODE)
        return fail_at(x, map, "%s: expected a mapping of key: value, got %s", what, type_name(map));
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
        const char *key = scalar(k);
        if (!key) return fail_at(x, k, "%s: keys must be plain names", what);
        if (strcmp(key, "task") == 0 || strcmp(key, "preset") == 0) {
            if (strcmp(key, "preset") == 0 && strcmp(what, "task_overrides") == 0) continue;
            return fail_at(x, k, "%s: key '%s' is set at the top level of the sweep, not here",
                           what, key);
        }
        if (!config_has_key(key)) {
            char hint[96];
            suggest(key, 0, hint, sizeof hint);
            return fail_at(x, k, "%s: unknown key '%s'%s", what, key, hint);
        }
        if (!scalar(v))
            return fail_at(x, v, "key '%s': expected a single value, got %s", key, type_name(v));
        char where[PATH_MAX + 64];
        where_of(x, v, where, sizeof where);
        int rc = config_set(c, key, scalar(v), where, x->err);
        if (rc) return rc;
    }
    return MIMOD_OK;
}

/* Find `key` in a mapping node (NULL if absent). */
static yaml_node_t *map_get(const ctx *x, const yaml_node_t *map, const char *key) {
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(x->doc, p->key));
        if (k && strcmp(k, key) == 0) return yaml_document_get_node(x->doc, p->value);
    }
    return NULL;
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
    where_of(x, vnode, where, sizeof where);
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
            return fail_at(x, vnode, "axis '%s': values must be numbers or booleans (got '%s'); "
                           "use separate sweep files for other settings", a->name, text);
    }
    for (int i = 0; i < a->n_values; i++)
        if (strcmp(a->values[i], canon) == 0)
            return fail_at(x, vnode, "axis '%s': value %s appears twice", a->name, canon);
    if (axis_push(a, canon, num)) return mimod_errf(x->err, MIMOD_ENOMEM, "out of memory");
    return MIMOD_OK;
}

/* Parse a grid axis: a list of values, or {from: a, to: b} (integers, inclusive). */
static int parse_axis(const ctx *x, const yaml_node_t *k, const yaml_node_t *v,
                      const mimod_config *base, sweep_axis *a) {
    const char *key = scalar(k);
    if (!key) return fail_at(x, k, "grid: axis names must be plain keys");
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", key);
    if (strcmp(key, "preset") == 0)
        return fail_at(x, k, "grid: 'preset' cannot be an axis; use separate sweep files");
    if (!config_has_key(key)) {
        char hint[96];
        suggest(key, 0, hint, sizeof hint);
        return fail_at(x, k, "grid: unknown key '%s'%s", key, hint);
    }
    for (size_t i = 0; i < sizeof shape_keys / sizeof shape_keys[0]; i++)
        if (strcmp(key, shape_keys[i]) == 0)
            return fail_at(x, k, "grid: key '%s' changes the shape of the result datasets and "
                           "cannot be an axis; write one sweep file per value", key);
    int rc;
    if (v->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(x->doc, *it);
            if (!scalar(e))
                return fail_at(x, e, "axis '%s': expected single values in the list, got %s", key,
                               type_name(e));
            if ((rc = axis_add_value(x, e, scalar(e), base, a))) return rc;
        }
    } else if (v->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
            const char *rk = scalar(yaml_document_get_node(x->doc, p->key));
            if (!rk || (strcmp(rk, "from") && strcmp(rk, "to")))
                return fail_at(x, yaml_document_get_node(x->doc, p->key),
                               "axis '%s': a range has only the keys 'from' and 'to'", key);
        }
        yaml_node_t *fn = map_get(x, v, "from"), *tn = map_get(x, v, "to");
        if (!fn || !tn) return fail_at(x, v, "axis '%s': a range needs both 'from' and 'to'", key);
        long long from, to;
        char *end;
        const char *fs = scalar(fn), *ts = scalar(tn);
        if (!fs || (from = strtoll(fs, &end, 10), *end || end == fs))
            return fail_at(x, fn, "axis '%s': 'from' must be an integer", key);
        if (!ts || (to = strtoll(ts, &end, 10), *end || end == ts))
            return fail_at(x, tn, "axis '%s': 'to' must be an integer", key);
        if (to - from > 100000) return fail_at(x, v, "axis '%s': range too long", key);
        for (long long i = from; i <= to; i++) {
            char text[32];
            snprintf(text, sizeof text, "%lld", i);
            if ((rc = axis_add_value(x, fn, text, base, a))) return rc;
        }
    } else {
        return fail_at(x, v, "axis '%s': expected a list of values or {from: .., to: ..}, got a "
                       "single value (write [%s] for one value)", key, scalar(v));
    }
    if (a->n_values == 0) return fail_at(x, v, "axis '%s' is empty", key);
    return MIMOD_OK;
}

/* Parse a grid mapping into t->axes; axes already present are replaced (task_grid). */
static int parse_grid(const ctx *x, const yaml_node_t *g, sweep_task *t, const char *what,
                      int replace, const yaml_node_t *ov_global, const yaml_node_t *ov_task) {
    if (g->type != YAML_MAPPING_NODE)
        return fail_at(x, g, "%s: expected a mapping of axis: [values], got %s", what, type_name(g));
    if (g->data.mapping.pairs.top == g->data.mapping.pairs.start)
        return fail_at(x, g, "%s is empty: give at least one axis", what);
    int first_new = t->n_axes;
    for (yaml_node_pair_t *p = g->data.mapping.pairs.start; p < g->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(x->doc, p->key);
        yaml_node_t *v = yaml_document_get_node(x->doc, p->value);
        const char *key = scalar(k);
        if (key && strcmp(key, "task") == 0) {
            if (replace) return fail_at(x, k, "%s: 'task' cannot be an axis of one task", what);
            continue; /* the task list, handled by the caller */
        }
        if (key && (map_get(x, ov_global, key) || map_get(x, ov_task, key)))
            return fail_at(x, k, "%s: '%s' is both an override and an axis", what, key);
        int slot = -1;
        for (int i = 0; key && i < t->n_axes; i++)
            if (strcmp(t->axes[i].name, key) == 0) {
                if (i >= first_new || !replace)
                    return fail_at(x, k, "%s: duplicate axis '%s'", what, key);
                slot = i;
            }
        if (slot < 0) {
            if (t->n_axes == SWEEP_MAX_AXES) return fail_at(x, k, "%s: too many axes", what);
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
    for (int i = 0; i < s->n_tasks; i++) {
        for (int a = 0; a < s->task[i].n_axes; a++) axis_free(&s->task[i].axes[a]);
        free(s->task[i].coords);
    }
    free(s->text);
    memset(s, 0, sizeof *s);
}

static char *read_file(const char *path, mimod_err *err) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        mimod_errf(err, MIMOD_EIO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *text = malloc((size_t)(n > 0 ? n : 0) + 1);
    if (!text || (n > 0 && fread(text, 1, (size_t)n, fp) != (size_t)n)) {
        free(text);
        fclose(fp);
        mimod_errf(err, MIMOD_EIO, "%s: cannot read", path);
        return NULL;
    }
    text[n > 0 ? n : 0] = '\0';
    fclose(fp);
    return text;
}

/* Append to a growing string (for the hash input). */
typedef struct { char *s; size_t len, cap; int oom; } strbuf;
static void sb_add(strbuf *b, const char *t) {
    size_t n = strlen(t);
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = 1; return; }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->len, t, n + 1);
    b->len += n;
}

/* Normalised text of the expanded definition: per task its base configuration
 * (without run-control keys), axis names and every point's values. The sweep
 * file's layout, comments and output path do not enter. */
static int compute_hash(sweep_def *s, mimod_err *err) {
    strbuf b = {0};
    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        sb_add(&b, "task ");
        sb_add(&b, t->name);
        sb_add(&b, "\n");
        char *yaml = NULL;
        int rc = config_to_yaml(&t->base, &yaml, err);
        if (rc) { free(b.s); return rc; }
        for (char *line = yaml; line && *line;) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            int skip = 0;
            for (size_t k = 0; k < sizeof run_control_keys / sizeof run_control_keys[0]; k++) {
                size_t kl = strlen(run_control_keys[k]);
                skip |= strncmp(line, run_control_keys[k], kl) == 0 && line[kl] == ':';
            }
            if (!skip) { sb_add(&b, line); sb_add(&b, "\n"); }
            line = nl ? nl + 1 : NULL;
        }
        free(yaml);
        for (int a = 0; a < t->n_axes; a++) {
            sb_add(&b, "axis ");
            sb_add(&b, t->axes[a].name);
            for (int v = 0; v < t->axes[a].n_values; v++) {
                sb_add(&b, " ");
                sb_add(&b, t->axes[a].values[v]);
            }
            sb_add(&b, "\n");
        }
    }
    if (b.oom) { free(b.s); return mimod_errf(err, MIMOD_ENOMEM, "out of memory"); }
    results_hash_text(b.s ? b.s : "", s->hash);
    free(b.s);
    return MIMOD_OK;
}

static int expand(sweep_def *s, mimod_err *err) {
    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        long long n = 1;
        for (int a = 0; a < t->n_axes; a++) {
            n *= t->axes[a].n_values;
            t->axis_names[a] = t->axes[a].name;
        }
        if (n > 10000000) return mimod_errf(err, MIMOD_EINVAL, "%s: %lld grid points is too many", s->path, n);
        t->n_points = (int)n;
        t->coords = malloc((size_t)n * (size_t)(t->n_axes ? t->n_axes : 1) * sizeof(double));
        if (!t->coords) return mimod_errf(err, MIMOD_ENOMEM, "out of memory");
        for (long long p = 0; p < n; p++) {
            long long rest = p;
            for (int a = t->n_axes - 1; a >= 0; a--) {
                int nv = t->axes[a].n_values;
                t->coords[p * t->n_axes + a] = t->axes[a].numeric[rest % nv];
                rest /= nv;
            }
        }
        /* every point must pass the cross-key checks */
        for (int p = 0; p < t->n_points; p++) {
            mimod_config c;
            int rc = sweep_point_config(s, i, p, &c, err);
            if (!rc) rc = config_validate(&c, err);
            if (rc) {
                char label[512];
                sweep_point_label(s, i, p, label, sizeof label);
                return mimod_err_prefix(err, "%s: task %s, grid point %s: ", s->path, t->name, label);
            }
        }
    }
    return MIMOD_OK;
}

/* The axis value index of each axis at point p. */
static int value_index(const sweep_task *t, int p, int a) {
    int rest = p;
    for (int b = t->n_axes - 1; b > a; b--) rest /= t->axes[b].n_values;
    return rest % t->axes[a].n_values;
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

int sweep_load(const char *path, sweep_def *s, mimod_err *err) {
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    s->text = read_file(path, err);
    if (!s->text) return err ? err->code : MIMOD_EIO;

    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)s->text, strlen(s->text));
    if (!yaml_parser_load(&parser, &doc)) {
        int rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax: %s", path,
                            parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                            parser.problem ? parser.problem : "error");
        yaml_parser_delete(&parser);
        sweep_free(s);
        return rc;
    }
    yaml_parser_delete(&parser);
    ctx x = {path, &doc, err};
    int rc = MIMOD_OK;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *tasks = NULL, *overrides = NULL, *task_ov = NULL, *grid = NULL, *task_grid = NULL,
                *preset = NULL, *output = NULL, *task_axis = NULL;

    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = mimod_errf(err, MIMOD_EINVAL, "%s:1:1: a sweep file is a mapping (output:, preset:, "
                        "tasks:, grid:, ...)", path);
        goto done;
    }
    /* top-level keys: known, once each */
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&doc, p->key);
        yaml_node_t *v = yaml_document_get_node(&doc, p->value);
        const char *key = scalar(k);
        yaml_node_t **slot = NULL;
        if (!key) { rc = fail_at(&x, k, "keys must be plain names"); goto done; }
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
            rc = fail_at(&x, k, "unknown key '%s'%s%s", key, hint,
                         config_has_key(key) ? " (trial keys go under overrides: or grid:)" : "");
            goto done;
        }
        if (*slot) { rc = fail_at(&x, k, "key '%s' appears twice", key); goto done; }
        *slot = v;
    }
    if (!output || !scalar(output) || !*scalar(output)) {
        rc = output ? fail_at(&x, output, "output: expected a file name")
                    : fail_at(&x, root, "missing key 'output' (the result file)");
        goto done;
    }
    snprintf(s->output, sizeof s->output, "%s", scalar(output));
    if (preset && !scalar(preset)) { rc = fail_at(&x, preset, "preset: expected a name"); goto done; }
    if (!grid) { rc = fail_at(&x, root, "missing key 'grid' (at least one axis, e.g. seed)"); goto done; }
    if (grid->type == YAML_MAPPING_NODE) {
        /* duplicate keys in grid (YAML parsers keep both) */
        for (yaml_node_pair_t *p = grid->data.mapping.pairs.start; p < grid->data.mapping.pairs.top; p++)
            for (yaml_node_pair_t *q = grid->data.mapping.pairs.start; q < p; q++) {
                const char *a = scalar(yaml_document_get_node(&doc, p->key));
                const char *b = scalar(yaml_document_get_node(&doc, q->key));
                if (a && b && !strcmp(a, b)) {
                    rc = fail_at(&x, yaml_document_get_node(&doc, p->key), "grid: duplicate axis '%s'", a);
                    goto done;
                }
            }
        task_axis = map_get(&x, grid, "task");
    }

    /* the task list: `tasks:` or a `task` axis, not both */
    yaml_node_t *tl = tasks ? tasks : task_axis;
    if (tasks && task_axis) { rc = fail_at(&x, task_axis, "give the tasks either as 'tasks:' or as a 'task' axis, not both"); goto done; }
    if (!tl) { rc = fail_at(&x, root, "missing key 'tasks' (wm, sep or both)"); goto done; }
    if (tl->type == YAML_SCALAR_NODE) {
        if ((rc = parse_task_name(&x, tl, &s->task[0].kind))) goto done;
        s->n_tasks = 1;
    } else if (tl->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = tl->data.sequence.items.start; it < tl->data.sequence.items.top; it++) {
            yaml_node_t *e = yaml_document_get_node(&doc, *it);
            mimod_task_kind k;
            if ((rc = parse_task_name(&x, e, &k))) goto done;
            for (int i = 0; i < s->n_tasks; i++)
                if (s->task[i].kind == k) { rc = fail_at(&x, e, "task '%s' listed twice", scalar(e)); goto done; }
            s->task[s->n_tasks++].kind = k;
        }
        if (s->n_tasks == 0) { rc = fail_at(&x, tl, "the task list is empty"); goto done; }
    } else {
        rc = fail_at(&x, tl, "tasks: expected a list of wm/sep, got %s", type_name(tl));
        goto done;
    }
    if (overrides && overrides->type != YAML_MAPPING_NODE) {
        rc = fail_at(&x, overrides, "overrides: expected a mapping of key: value, got %s", type_name(overrides));
        goto done;
    }
    if (task_ov && task_ov->type != YAML_MAPPING_NODE) {
        rc = fail_at(&x, task_ov, "task_overrides: expected a mapping task: {key: value}");
        goto done;
    }
    if (task_grid && task_grid->type != YAML_MAPPING_NODE) {
        rc = fail_at(&x, task_grid, "task_grid: expected a mapping task: {axis: [values]}");
        goto done;
    }
    /* task names under task_overrides/task_grid must be tasks of this sweep */
    yaml_node_t *per_task[2] = {task_ov, task_grid};
    for (int m = 0; m < 2; m++) {
        if (!per_task[m]) continue;
        for (yaml_node_pair_t *p = per_task[m]->data.mapping.pairs.start; p < per_task[m]->data.mapping.pairs.top; p++) {
            yaml_node_t *k = yaml_document_get_node(&doc, p->key);
            mimod_task_kind kind;
            if ((rc = parse_task_name(&x, k, &kind))) goto done;
            int found = 0;
            for (int i = 0; i < s->n_tasks; i++) found |= s->task[i].kind == kind;
            if (!found) { rc = fail_at(&x, k, "task '%s' is not in this sweep's tasks", scalar(k)); goto done; }
        }
    }

    for (int i = 0; i < s->n_tasks; i++) {
        sweep_task *t = &s->task[i];
        t->name = t->kind == TASK_WM ? "wm" : "sep";
        yaml_node_t *tov = map_get(&x, task_ov, t->name);
        yaml_node_t *tpreset = map_get(&x, tov, "preset");
        yaml_node_t *pnode = tpreset ? tpreset : preset;
        const char *pname = pnode ? scalar(pnode) : "paper";
        if (!pname) { rc = fail_at(&x, pnode, "preset: expected a name"); goto done; }
        if ((rc = config_preset(&t->base, pname, t->kind, err))) {
            if (pnode) {
                char where[PATH_MAX + 64];
                where_of(&x, pnode, where, sizeof where);
                mimod_err_prefix(err, "%s: ", where);
            }
            goto done;
        }
        if (overrides && (rc = apply_overrides(&x, overrides, &t->base, "overrides"))) goto done;
        if (tov && (rc = apply_overrides(&x, tov, &t->base, "task_overrides"))) goto done;
        if ((rc = parse_grid(&x, grid, t, "grid", 0, overrides, tov))) goto done;
        yaml_node_t *tg = map_get(&x, task_grid, t->name);
        if (tg && (rc = parse_grid(&x, tg, t, "task_grid", 1, overrides, tov))) goto done;
        if (t->n_axes == 0) {
            rc = fail_at(&x, grid, "grid: task %s has no axis besides 'task' (add e.g. seed: [0])", t->name);
            goto done;
        }
    }
    if ((rc = expand(s, err))) goto done;
    rc = compute_hash(s, err);

done:
    yaml_document_delete(&doc);
    if (rc) sweep_free(s);
    return rc;
}

double sweep_trial_flops(const mimod_config *c) {
    double B = c->batch, L = config_learned_len(c), N = c->n_units, H = c->sm_hidden;
    double n = B * L, d = N; /* d1 + d2 = N */
    double mine = 12.0 * n * H * H + 6.0 * n * d * H;
    /* the MM forward that produces an SM batch */
    double steps = L + (c->task == TASK_WM ? c->transient : 0);
    double mm_fwd = c->task == TASK_WM ? 2.0 * B * N * (N + config_n_in(c)) * steps
                                       : 2.0 * B * 3.0 * N * (config_n_in(c) + N) * steps;
    double sm_step = mine + mm_fwd;
    /* MM step: forward + backward of the MM (~3 passes) plus the MI term */
    double mm_step = 3.0 * mm_fwd + mine;
    double n_sm = (double)c->n_sm_pre + (double)c->n_mm_steps * c->n_sm_per_mm;
    return n_sm * sm_step + (double)c->n_mm_steps * mm_step;
}

int sweep_check_output(const char *path, mimod_err *err) {
    if (access(path, F_OK) == 0) {
        if (access(path, W_OK) != 0)
            return mimod_errf(err, MIMOD_EIO, "output %s exists and is not writable", path);
        return MIMOD_OK;
    }
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    const char *dir = dirname(copy);
    if (access(dir, F_OK) != 0)
        return mimod_errf(err, MIMOD_EIO, "output %s: directory %s does not exist", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return mimod_errf(err, MIMOD_EIO, "output %s: directory %s is not writable", path, dir);
    return MIMOD_OK;
}
