/* config.c — the trial configuration: the key table (config_keys.c) drives
 * parsing (config_set), printing (config_get, config_to_yaml) and range
 * checks (config_validate); presets (each task's, tasks.h) fill the struct
 * through config_set; YAML files are read with libyaml's event parser so
 * every key and value keeps its line and column for messages. */
#include "mimod/config.h"
#include "mimod/tasks.h"
#include "mimod/text.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* ------------------------------------------------------------------ */
/* Presets                                                             */
/* ------------------------------------------------------------------ */

/* Bytes of a key's field. */
static size_t field_size(const config_key *k) {
    switch (k->type) {
    case KT_U64: return sizeof(uint64_t);
    case KT_DOUBLE: return sizeof(double);
    case KT_TASK: return sizeof(const mimod_task *);
    case KT_PRESET: return sizeof(((mimod_config *)0)->preset);
    default: return sizeof(int);
    }
}

/* A preset's chain, parents first: its values through config_set (so a
 * preset is checked as a user's file is), marking every key set. */
static int apply_preset(mimod_config *c, const mimod_task *task, const task_preset *p, int depth,
                        unsigned char *set, mimod_err *err) {
    if (depth > 8)
        return mimod_errf(err, MIMOD_EINVAL, "task %s: preset '%s': its parents form a loop",
                          task->name, p->name);
    if (p->parent) {
        const task_preset *parent = mimod_task_preset(task, p->parent);
        if (!parent)
            return mimod_errf(err, MIMOD_EINVAL, "task %s: preset '%s': no parent preset '%s'",
                              task->name, p->name, p->parent);
        int rc = apply_preset(c, task, parent, depth + 1, set, err);
        if (rc) return rc;
    }
    char where[96];
    snprintf(where, sizeof where, "task %s, preset %s", task->name, p->name);
    for (const task_setting *v = p->values; v && v->key; v++) {
        int rc = config_set(c, v->key, v->value, where, err);
        if (rc) return rc;
        for (int i = 0; i < config_n_keys(); i++)
            if (strcmp(config_key_name(i), v->key) == 0) set[i] = 1;
    }
    return MIMOD_OK;
}

int config_preset(mimod_config *c, const char *preset, const mimod_task *task, mimod_err *err) {
    if (!c || !preset || !task) return mimod_errf(err, MIMOD_EINVAL, "config_preset: NULL argument");
    const task_preset *p = mimod_task_preset(task, preset);
    if (!p) {
        char names[256];
        size_t used = 0;
        names[0] = '\0';
        for (const task_preset *q = task->presets; q->name && used < sizeof names; q++)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     q == task->presets ? "" : ", ", q->name);
        return mimod_errf(err, MIMOD_EINVAL, "unknown preset '%s' for task %s (%s)", preset,
                          task->name, names);
    }
    mimod_config cfg;
    memset(&cfg, 0, sizeof cfg); /* padding too, so two equal configs compare equal bytewise */
    const int n = config_n_keys();
    unsigned char set[n];
    memset(set, 0, sizeof set);
    cfg.task = task;
    int rc = MIMOD_OK;
    for (int i = 0; i < n && !rc; i++) {
        const config_key *k = config_key_at(i);
        if (!k->def) continue;
        rc = config_set(&cfg, k->name, k->def, "the key table's default", err);
        set[i] = 1;
    }
    if (!rc) rc = apply_preset(&cfg, task, p, 0, set, err);
    if (rc) return rc;
    if (task->derive) {
        /* a key the task derives is given too */
        mimod_config before = cfg;
        task->derive(&cfg);
        for (int i = 0; i < n; i++) {
            const config_key *k = config_key_at(i);
            if (memcmp((const char *)&before + k->offset, (const char *)&cfg + k->offset,
                       field_size(k)) != 0)
                set[i] = 1;
        }
    }
    rc = config_set(&cfg, "preset", p->name, "config_preset", err);
    if (rc) return rc;
    /* every key without a default is the task's to give */
    for (int i = 0; i < n; i++) {
        const config_key *k = config_key_at(i);
        if (!set[i] && k->type != KT_TASK && k->type != KT_PRESET)
            return mimod_errf(err, MIMOD_EINVAL, "task %s, preset %s: key '%s' has no value (the "
                              "key table gives it none; the task's presets must)",
                              task->name, p->name, k->name);
    }
    *c = cfg;
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* Value text <-> field                                                */
/* ------------------------------------------------------------------ */

/* The i-th name an enumerated key accepts, or NULL past the last: the
 * table's names, the tasks' names, or every task's preset names. */
static const char *enum_name(const config_key *k, int i) {
    if (k->type == KT_TASK) {
        const mimod_task *t = mimod_task_at(i);
        return t ? t->name : NULL;
    }
    if (k->type == KT_PRESET) return mimod_preset_name_at(i);
    return k->enum_names[i];
}

/* What a key accepts, for messages: "an even integer ≥ 2", "a number in [0, 1)".
 * Integer upper bounds are sanity limits, named only when a value exceeds one
 * (above_max), so the usual message states the real requirement. */
static void describe_key(const config_key *k, int above_max, char *buf, size_t n) {
    switch (k->type) {
    case KT_INT:
        if (above_max)
            snprintf(buf, n, "%s integer ≤ %.0f", k->even ? "an even" : "an", k->max);
        else
            snprintf(buf, n, "%s integer ≥ %.0f", k->even ? "an even" : "an", k->min);
        break;
    case KT_U64: snprintf(buf, n, "a non-negative integer < 2^64"); break;
    case KT_DOUBLE:
        if (k->max == HUGE_VAL)
            snprintf(buf, n, "a number %s %g", k->min_open ? ">" : "≥", k->min);
        else
            snprintf(buf, n, "a number in %c%g, %g%c", k->min_open ? '(' : '[', k->min, k->max,
                     k->max_open ? ')' : ']');
        break;
    case KT_BOOL: snprintf(buf, n, "true or false"); break;
    case KT_ENUM:
    case KT_TASK:
    case KT_PRESET: {
        size_t used = (size_t)snprintf(buf, n, "one of");
        for (int i = 0; used < n; i++) {
            const char *name = enum_name(k, i);
            if (!name) break;
            used += (size_t)snprintf(buf + used, n - used, "%s %s", i ? "," : "", name);
        }
        break;
    }
    }
}

/* Whole-string integer parse; 0 if text is not an integer (e.g. "1.5", "abc"). */
static int parse_integer(const char *text, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE) return 0;
    *out = v;
    return 1;
}

/* A whole number's value, also one too large for long long ("9999…9"): 1 if
 * text (possibly quoted as '…' for a message) is digits with an optional sign. */
static int whole_number_value(const char *text, double *out) {
    char buf[160];
    size_t n = strlen(text);
    if (n >= 2 && text[0] == '\'' && text[n - 1] == '\'') {
        snprintf(buf, sizeof buf, "%.*s", (int)(n - 2), text + 1);
        text = buf;
    }
    const char *p = text + (*text == '+' || *text == '-');
    if (!isdigit((unsigned char)*p)) return 0;
    while (isdigit((unsigned char)*p)) p++;
    if (*p) return 0;
    *out = strtod(text, NULL);
    return 1;
}

static int value_error(const config_key *k, const char *where, const char *got, mimod_err *err) {
    char want[128];
    double v;
    int above_max = k->type == KT_INT && whole_number_value(got, &v) && v > k->max;
    describe_key(k, above_max, want, sizeof want);
    return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': must be %s, got %s", where, k->name, want,
                      got);
}

static int in_range(const config_key *k, double v) {
    if (k->type == KT_INT) {
        if (v < k->min || v > k->max) return 0;
        if (k->even && fmod(v, 2.0) != 0.0) return 0;
        return 1;
    }
    if (!isfinite(v)) return 0;
    if (k->min_open ? !(v > k->min) : !(v >= k->min)) return 0;
    if (k->max_open ? !(v < k->max) : !(v <= k->max)) return 0;
    return 1;
}

/* "did you mean": the one rule of text.h, over every key name. */
static int unknown_key_error(const char *where, const char *key, mimod_err *err) {
    int n = config_n_keys();
    const char *names[n];
    for (int i = 0; i < n; i++) names[i] = config_key_name(i);
    char hint[96];
    mimod_suggest(key, names, n, hint, sizeof hint);
    if (hint[0]) return mimod_errf(err, MIMOD_EINVAL, "%s: unknown key '%s'%s", where, key, hint);
    return mimod_errf(err, MIMOD_EINVAL, "%s: unknown key '%s' (see docs/configuration.md)", where,
                      key);
}

int config_set(mimod_config *c, const char *key, const char *value, const char *where,
               mimod_err *err) {
    if (!where) where = "config";
    if (!c || !key) return mimod_errf(err, MIMOD_EINVAL, "%s: config_set: NULL argument", where);
    const config_key *k = config_key_find(key);
    if (!k) return unknown_key_error(where, key, err);
    if (!value || value[0] == '\0') {
        char want[128];
        describe_key(k, 0, want, sizeof want);
        return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': missing value (must be %s)", where,
                          k->name, want);
    }
    char quoted[160];
    snprintf(quoted, sizeof quoted, "'%.150s'", value);
    void *field = (char *)c + k->offset;

    switch (k->type) {
    case KT_INT: {
        long long v;
        if (!parse_integer(value, &v)) return value_error(k, where, quoted, err);
        if (!in_range(k, (double)v)) return value_error(k, where, value, err);
        *(int *)field = (int)v;
        return MIMOD_OK;
    }
    case KT_U64: {
        char *end;
        errno = 0;
        unsigned long long v = strtoull(value, &end, 10);
        /* strtoull wraps "-1" around; a seed is never negative. */
        if (strchr(value, '-') || end == value || *end != '\0' || errno == ERANGE)
            return value_error(k, where, quoted, err);
        *(uint64_t *)field = (uint64_t)v;
        return MIMOD_OK;
    }
    case KT_DOUBLE: {
        char *end;
        errno = 0;
        double v = strtod(value, &end);
        if (end == value || *end != '\0' || !isfinite(v)) return value_error(k, where, quoted, err);
        if (!in_range(k, v)) return value_error(k, where, value, err);
        *(double *)field = v;
        return MIMOD_OK;
    }
    case KT_BOOL:
        if (strcmp(value, "true") == 0) *(int *)field = 1;
        else if (strcmp(value, "false") == 0) *(int *)field = 0;
        else return value_error(k, where, quoted, err);
        return MIMOD_OK;
    case KT_ENUM:
        for (int i = 0; k->enum_names[i]; i++)
            if (strcmp(value, k->enum_names[i]) == 0) {
                *(int *)field = i;
                return MIMOD_OK;
            }
        return value_error(k, where, quoted, err);
    case KT_TASK: {
        const mimod_task *t = mimod_task_find(value);
        if (!t) return value_error(k, where, quoted, err);
        c->task = t;
        return MIMOD_OK;
    }
    case KT_PRESET:
        for (int i = 0; enum_name(k, i); i++)
            if (strcmp(value, enum_name(k, i)) == 0) {
                char *s = field;
                memset(s, 0, sizeof c->preset);
                snprintf(s, sizeof c->preset, "%s", enum_name(k, i));
                return MIMOD_OK;
            }
        return value_error(k, where, quoted, err);
    }
    return mimod_errf(err, MIMOD_EINVAL, "%s: key '%s': internal error", where, key);
}

/* Shortest %g text that reads back as exactly the same double; whole numbers
 * print without an exponent ("100", not "1e+02"). */
static void format_double(double v, char *buf, size_t n) {
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) return;
    }
}

/* Text of a key's value; returns 0 if the stored value is outside the key's
 * domain (only possible when a caller wrote the struct directly). */
static int format_value(const mimod_config *c, const config_key *k, char *buf, size_t n) {
    const void *field = (const char *)c + k->offset;
    switch (k->type) {
    case KT_INT: snprintf(buf, n, "%d", *(const int *)field); return 1;
    case KT_U64: snprintf(buf, n, "%" PRIu64, *(const uint64_t *)field); return 1;
    case KT_DOUBLE: format_double(*(const double *)field, buf, n); return 1;
    case KT_BOOL: {
        int v = *(const int *)field;
        snprintf(buf, n, "%s", v ? "true" : "false");
        return v == 0 || v == 1;
    }
    case KT_ENUM: {
        int v = *(const int *)field, count = 0;
        while (k->enum_names[count]) count++;
        if (v < 0 || v >= count) {
            snprintf(buf, n, "%d", v);
            return 0;
        }
        snprintf(buf, n, "%s", k->enum_names[v]);
        return 1;
    }
    case KT_TASK:
        snprintf(buf, n, "%s", c->task ? c->task->name : "(none)");
        return c->task && mimod_task_find(c->task->name) == c->task;
    case KT_PRESET: {
        const char *s = field;
        snprintf(buf, n, "%.*s", (int)sizeof c->preset, s);
        for (int i = 0; enum_name(k, i); i++)
            if (strcmp(buf, enum_name(k, i)) == 0) return 1;
        return 0;
    }
    }
    return 0;
}

int config_get(const mimod_config *c, const char *key, char *buf, size_t n, mimod_err *err) {
    if (!c || !key || !buf || n == 0)
        return mimod_errf(err, MIMOD_EINVAL, "config_get: NULL argument");
    const config_key *k = config_key_find(key);
    if (!k) return unknown_key_error("config_get", key, err);
    char text[64];
    format_value(c, k, text, sizeof text);
    if (strlen(text) >= n)
        return mimod_errf(err, MIMOD_EINVAL, "config_get: key '%s': buffer of %zu bytes too small",
                          key, n);
    memcpy(buf, text, strlen(text) + 1);
    return MIMOD_OK;
}

int config_to_yaml(const mimod_config *c, char **out, mimod_err *err) {
    if (!c || !out) return mimod_errf(err, MIMOD_EINVAL, "config_to_yaml: NULL argument");
    *out = NULL;
    static const char header[] = "# mimod configuration: every key (docs/configuration.md)\n";
    const int n_keys = config_n_keys();
    size_t cap = sizeof header + (size_t)n_keys * 96, len = 0;
    char *text = malloc(cap);
    if (!text) return mimod_errf(err, MIMOD_ENOMEM, "config_to_yaml: out of memory");
    len += (size_t)snprintf(text, cap, "%s", header);
    for (int i = 0; i < n_keys; i++) {
        char value[64];
        format_value(c, config_key_at(i), value, sizeof value);
        /* 96 bytes per key: names ≤ 20 chars, values ≤ 63 chars. */
        len += (size_t)snprintf(text + len, cap - len, "%s: %s\n", config_key_name(i), value);
    }
    *out = text;
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */
/* ------------------------------------------------------------------ */

int config_validate(const mimod_config *c, mimod_err *err) {
    if (!c) return mimod_errf(err, MIMOD_EINVAL, "config_validate: NULL config");
    /* Every key's own domain, in case the struct was written directly. */
    for (int i = 0; i < config_n_keys(); i++) {
        const config_key *k = config_key_at(i);
        const void *field = (const char *)c + k->offset;
        char text[64];
        int ok = format_value(c, k, text, sizeof text);
        if (ok && k->type == KT_INT) ok = in_range(k, *(const int *)field);
        if (ok && k->type == KT_DOUBLE) ok = in_range(k, *(const double *)field);
        if (!ok) return value_error(k, "config", text, err);
    }
    /* Cross-key checks: the task's, then every task's. */
    int rc = c->task->validate ? c->task->validate(c, err) : MIMOD_OK;
    if (rc) return rc;
    if (c->n_units % c->n_groups != 0)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'n_units', 'n_groups': n_units (%d) must be divisible by n_groups "
                          "(%d) (K equal groups of units)",
                          c->n_units, c->n_groups);
    /* The SM's sample set (B·L pairs) is indexed by a uint32 permutation and
     * int row counts; keep it in int range. */
    long long len = config_learned_len(c);
    int big_batch = c->batch > c->test_batch ? c->batch : c->test_batch;
    if ((long long)big_batch * len > INT_MAX)
        return mimod_errf(err, MIMOD_EINVAL,
                          "keys 'batch', 'test_batch', 'seq_len': batch × learned length "
                          "(%d × %lld) exceeds %d samples",
                          big_batch, len, INT_MAX);
    return MIMOD_OK;
}

/* ------------------------------------------------------------------ */
/* YAML loading                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
    char *key, *value;
    int key_line, key_col;     /* 1-based */
    int value_line, value_col; /* 1-based */
} yaml_entry;

typedef struct {
    yaml_entry *items;
    int n, cap;
} entry_list;

static void entries_free(entry_list *l) {
    for (int i = 0; i < l->n; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

static char *dup_text(const unsigned char *s, size_t n) {
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static const char *event_kind(yaml_event_type_t t) {
    switch (t) {
    case YAML_MAPPING_START_EVENT: return "a mapping";
    case YAML_SEQUENCE_START_EVENT: return "a sequence";
    case YAML_ALIAS_EVENT: return "an alias";
    default: return "a non-scalar";
    }
}

/* Keys that only a sweep file has (docs/sweep.md): a sweep file given to
 * mimod-train is named as such, not refused for its first odd value. */
static int is_sweep_key(const char *key) {
    static const char *const sweep_keys[] = {"output", "tasks", "grid", "task_grid", "overrides",
                                             "task_overrides"};
    for (size_t i = 0; i < sizeof sweep_keys / sizeof *sweep_keys; i++)
        if (strcmp(key, sweep_keys[i]) == 0) return !config_key_find(key);
    return 0;
}

/* Reads a one-document YAML text whose top level is a mapping of scalar keys
 * to scalar values into a list, keeping positions; rejects everything else and
 * duplicate keys. */
static int yaml_collect(const char *text, size_t len, const char *name, entry_list *out,
                        mimod_err *err) {
    yaml_parser_t parser;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&parser))
        return mimod_errf(err, MIMOD_ENOMEM, "%s: cannot initialise the YAML parser", name);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);

    enum { S_STREAM, S_DOC, S_TOP, S_KEY, S_VALUE, S_DOC_END, S_AFTER_DOC } state = S_STREAM;
    int rc = MIMOD_OK, done = 0;
    yaml_entry pending = {0};

    while (!done && rc == MIMOD_OK) {
        if (!yaml_parser_parse(&parser, &ev)) {
            const char *problem = parser.problem ? parser.problem : "malformed YAML";
            if (parser.context)
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax error: %s %s", name,
                                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                problem, parser.context);
            else
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax error: %s", name,
                                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                                problem);
            break;
        }
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        switch (state) {
        case S_STREAM: /* STREAM_START */
            state = S_DOC;
            break;
        case S_DOC:
        case S_AFTER_DOC:
            if (ev.type == YAML_STREAM_END_EVENT) {
                done = 1;
            } else if (ev.type == YAML_DOCUMENT_START_EVENT) {
                if (state == S_AFTER_DOC)
                    rc = mimod_errf(err, MIMOD_EINVAL,
                                    "%s:%d:%d: a configuration is one YAML document; found a second",
                                    name, line, col);
                state = S_TOP;
            }
            break;
        case S_TOP:
            if (ev.type == YAML_MAPPING_START_EVENT) {
                state = S_KEY;
            } else if (ev.type == YAML_SCALAR_EVENT && ev.data.scalar.length == 0 &&
                       ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
                state = S_DOC_END; /* an empty document: no keys */
            } else {
                rc = mimod_errf(err, MIMOD_EINVAL,
                                "%s:%d:%d: the top level must be a mapping of 'key: value' lines",
                                name, line, col);
            }
            break;
        case S_KEY:
            if (ev.type == YAML_MAPPING_END_EVENT) {
                state = S_DOC_END;
            } else if (ev.type == YAML_SCALAR_EVENT) {
                pending.key = dup_text(ev.data.scalar.value, ev.data.scalar.length);
                if (!pending.key) rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                else if (is_sweep_key(pending.key))
                    rc = mimod_errf(err, MIMOD_EINVAL, "%s:%d:%d: '%s' is a key of a sweep file: "
                                    "this is a sweep file; run it with mimod-sweep (mimod-train "
                                    "takes one trial's keys, docs/configuration.md)", name, line,
                                    col, pending.key);
                pending.key_line = line;
                pending.key_col = col;
                state = S_VALUE;
            } else {
                rc = mimod_errf(err, MIMOD_EINVAL, "%s:%d:%d: a key must be a plain name, not %s",
                                name, line, col, event_kind(ev.type));
            }
            break;
        case S_VALUE:
            if (ev.type != YAML_SCALAR_EVENT) {
                rc = mimod_errf(err, MIMOD_EINVAL,
                                "%s:%d:%d: key '%s': value must be a single scalar, not %s", name,
                                line, col, pending.key, event_kind(ev.type));
                break;
            }
            for (int i = 0; i < out->n; i++)
                if (strcmp(out->items[i].key, pending.key) == 0) {
                    rc = mimod_errf(err, MIMOD_EINVAL,
                                    "%s:%d:%d: key '%s': duplicate key (first given at %s:%d:%d)",
                                    name, pending.key_line, pending.key_col, pending.key, name,
                                    out->items[i].key_line, out->items[i].key_col);
                    break;
                }
            if (rc != MIMOD_OK) break;
            pending.value = dup_text(ev.data.scalar.value, ev.data.scalar.length);
            pending.value_line = line;
            pending.value_col = col;
            if (out->n == out->cap) {
                int cap = out->cap ? 2 * out->cap : 64;
                yaml_entry *grown = realloc(out->items, (size_t)cap * sizeof *grown);
                if (!grown) {
                    rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                    break;
                }
                out->items = grown;
                out->cap = cap;
            }
            if (!pending.value) {
                rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
                break;
            }
            out->items[out->n++] = pending;
            memset(&pending, 0, sizeof pending);
            state = S_KEY;
            break;
        case S_DOC_END: /* DOCUMENT_END */
            state = S_AFTER_DOC;
            break;
        }
        yaml_event_delete(&ev);
    }
    free(pending.key);
    free(pending.value);
    yaml_parser_delete(&parser);
    if (rc != MIMOD_OK) entries_free(out);
    return rc;
}

/* One "k=v" from the command line, split and trimmed in place in a copy. */
typedef struct {
    char *text; /* owns key and value */
    char *key, *value;
} override;

static char *trim(char *s) {
    while (isspace((unsigned char)*s)) s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    return s;
}

/* The loader behind config_load_file, config_load_string and
 * config_load_with_overrides. Works on a copy; *out changes only on success. */
static int load_config(mimod_config *out, const char *text, size_t text_len, const char *name,
                       int n_sets, char *const *sets, mimod_err *err) {
    entry_list entries = {0};
    override *ovr = NULL;
    int rc = MIMOD_OK;
    mimod_config cfg, scratch;
    memset(&scratch, 0, sizeof scratch);

    if (n_sets < 0 || (n_sets > 0 && !sets))
        return mimod_errf(err, MIMOD_EINVAL, "config: bad override list");
    if (text) {
        rc = yaml_collect(text, text_len, name, &entries, err);
        if (rc != MIMOD_OK) return rc;
    }
    if (n_sets > 0) {
        ovr = calloc((size_t)n_sets, sizeof *ovr);
        if (!ovr) {
            rc = mimod_errf(err, MIMOD_ENOMEM, "config: out of memory");
            goto done;
        }
    }
    for (int i = 0; i < n_sets; i++) {
        ovr[i].text = strdup(sets[i] ? sets[i] : "");
        if (!ovr[i].text) {
            rc = mimod_errf(err, MIMOD_ENOMEM, "config: out of memory");
            goto done;
        }
        char *eq = strchr(ovr[i].text, '=');
        if (!eq) {
            rc = mimod_errf(err, MIMOD_EINVAL, "--set: '%s': expected key=value", ovr[i].text);
            goto done;
        }
        *eq = '\0';
        ovr[i].key = trim(ovr[i].text);
        ovr[i].value = trim(eq + 1);
    }

    /* 1. The task and the preset: last --set, else the file, else defaults.
     * Every given value is checked (on a scratch struct), even if overridden. */
    const char *task_text = mimod_task_at(0)->name, *preset_text = NULL;
    for (int i = 0; i < entries.n; i++) {
        yaml_entry *e = &entries.items[i];
        int is_task = strcmp(e->key, "task") == 0, is_preset = strcmp(e->key, "preset") == 0;
        if (!is_task && !is_preset) continue;
        char where[512];
        snprintf(where, sizeof where, "%s:%d:%d", name, e->value_line, e->value_col);
        rc = config_set(&scratch, e->key, e->value, where, err);
        if (rc != MIMOD_OK) goto done;
        if (is_task) task_text = e->value;
        else preset_text = e->value;
    }
    for (int i = 0; i < n_sets; i++) {
        int is_task = strcmp(ovr[i].key, "task") == 0, is_preset = strcmp(ovr[i].key, "preset") == 0;
        if (!is_task && !is_preset) continue;
        rc = config_set(&scratch, ovr[i].key, ovr[i].value, "--set", err);
        if (rc != MIMOD_OK) goto done;
        if (is_task) task_text = ovr[i].value;
        else preset_text = ovr[i].value;
    }
    rc = config_set(&scratch, "task", task_text, "config", err);
    if (rc != MIMOD_OK) goto done;

    /* 2. The preset for that task (its first: "paper", unless one is given). */
    rc = config_preset(&cfg, preset_text ? preset_text : scratch.task->presets[0].name, scratch.task,
                       err);
    if (rc != MIMOD_OK) goto done;

    /* 3. The file's other keys, in file order. */
    for (int i = 0; i < entries.n; i++) {
        yaml_entry *e = &entries.items[i];
        if (strcmp(e->key, "task") == 0 || strcmp(e->key, "preset") == 0) continue;
        char where[512];
        if (!config_has_key(e->key)) {
            snprintf(where, sizeof where, "%s:%d:%d", name, e->key_line, e->key_col);
            rc = unknown_key_error(where, e->key, err);
            goto done;
        }
        snprintf(where, sizeof where, "%s:%d:%d", name, e->value_line, e->value_col);
        rc = config_set(&cfg, e->key, e->value, where, err);
        if (rc != MIMOD_OK) goto done;
    }

    /* 4. The overrides, in order (task and preset were consumed in step 1). */
    for (int i = 0; i < n_sets; i++) {
        if (strcmp(ovr[i].key, "task") == 0 || strcmp(ovr[i].key, "preset") == 0) continue;
        rc = config_set(&cfg, ovr[i].key, ovr[i].value, "--set", err);
        if (rc != MIMOD_OK) goto done;
    }

    /* 5. The keys the task derives (SEP: seq_len shows its learned length). */
    if (cfg.task->derive) cfg.task->derive(&cfg);

    /* 6. Cross-key checks. */
    rc = config_validate(&cfg, err);
    if (rc != MIMOD_OK) {
        if (text && n_sets > 0) mimod_err_prefix(err, "%s with --set overrides", name);
        else if (text) mimod_err_prefix(err, "%s", name);
        else mimod_err_prefix(err, "--set");
        goto done;
    }
    *out = cfg;

done:
    entries_free(&entries);
    if (ovr)
        for (int i = 0; i < n_sets; i++) free(ovr[i].text);
    free(ovr);
    return rc;
}

int config_load_with_overrides(mimod_config *c, const char *path, int n_sets, char *const *sets,
                               mimod_err *err) {
    if (!c) return mimod_errf(err, MIMOD_EINVAL, "config_load_with_overrides: NULL config");
    if (!path) return load_config(c, NULL, 0, NULL, n_sets, sets, err);
    char *text = NULL;
    size_t len = 0;
    int rc = mimod_read_text_file(path, (size_t)16 << 20, "configuration file", "", &text, &len,
                                  err);
    if (rc != MIMOD_OK) return rc;
    rc = load_config(c, text, len, path, n_sets, sets, err);
    free(text);
    return rc;
}

int config_load_file(mimod_config *c, const char *path, mimod_err *err) {
    if (!path) return mimod_errf(err, MIMOD_EINVAL, "config_load_file: NULL path");
    return config_load_with_overrides(c, path, 0, NULL, err);
}

int config_load_string(mimod_config *c, const char *text, const char *name, mimod_err *err) {
    if (!c || !text) return mimod_errf(err, MIMOD_EINVAL, "config_load_string: NULL argument");
    return load_config(c, text, strlen(text), name ? name : "<string>", 0, NULL, err);
}

/* ------------------------------------------------------------------ */
/* Derived sizes                                                       */
/* ------------------------------------------------------------------ */

int config_n_in(const mimod_config *c) { return c->task->n_in(c); }

int config_n_out(const mimod_config *c) { return c->task->n_out(c); }

int config_learned_len(const mimod_config *c) { return c->task->learned_len(c); }

int config_n_records(const mimod_config *c) {
    return 1 + (c->n_mm_steps + c->record_every - 1) / c->record_every;
}

int config_n_mi_nets(const mimod_config *c) {
    int K = c->n_groups;
    return c->mi_pairing == MI_ONE_VS_REST ? K : K * (K - 1) / 2;
}
