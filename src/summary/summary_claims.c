/* summary_claims.c — the paper's claims as data (mimod-summary --claims): the
 * claims file (YAML, libyaml's document API, every error as FILE:LINE:COLUMN),
 * the check of one claim on one task's conditions, and the claims table
 * (text, markdown, csv). docs/summary.md "Checking the paper's claims" is the
 * user's description; sweeps/paper_claims.yaml encodes SPEC §10.
 *
 * A check never fails: whatever prevents a test (no or several matching
 * conditions, too few finished trials, zero variance, a quantity the task has
 * not got, a missing task group, a time course of one record) is the verdict
 * "not testable" with its reason, and no p value is made up. */
#include "mimod/summary_claims.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "mimod/config.h"
#include "mimod/tasks.h"
#include "mimod/text.h"
#include "mimod/yaml_doc.h"

const char *const summary_claim_kind_names[SUMMARY_CLAIM_N_KINDS] = {
    "greater", "less", "no_difference", "value", "rate", "uncorrelated", "paired_greater",
    "earlier",
};

/* ------------------------------------------------------------ the claims file */

#define KB(k) (1u << (k))
#define K_TWO (KB(SUMMARY_CLAIM_GREATER) | KB(SUMMARY_CLAIM_LESS) | KB(SUMMARY_CLAIM_NO_DIFFERENCE))
#define K_ALL ((1u << SUMMARY_CLAIM_N_KINDS) - 1u)
#define K_ONE (K_ALL & ~K_TWO)
#define K_VALUE KB(SUMMARY_CLAIM_VALUE)
#define K_RATE KB(SUMMARY_CLAIM_RATE)
#define K_UNCORR KB(SUMMARY_CLAIM_UNCORRELATED)
#define K_PAIRED KB(SUMMARY_CLAIM_PAIRED_GREATER)
#define K_EARLIER KB(SUMMARY_CLAIM_EARLIER)

enum {
    KEY_ID, KEY_TASK, KEY_TEXT, KEY_KIND, KEY_PAPER, KEY_ALPHA, KEY_QUANTITY, KEY_A, KEY_B,
    KEY_CONDITION, KEY_PAPER_MEAN, KEY_PAPER_SD, KEY_PAPER_N, KEY_ABOVE, KEY_MIN_FRACTION, KEY_X,
    KEY_Y, KEY_A_QUANTITY, KEY_B_QUANTITY, KEY_FIRST, KEY_THEN, KEY_WHERE, KEY_GROUPS, KEY_TARGETS, KEY_MARGIN,
    N_KEYS
};

/* Every key of a claim: the kinds it belongs to and the kinds that need it. */
static const struct {
    const char *name;
    unsigned kinds, required;
} claim_keys[N_KEYS] = {
    [KEY_ID] = {"id", K_ALL, K_ALL},
    [KEY_TASK] = {"task", K_ALL, K_ALL},
    [KEY_TEXT] = {"text", K_ALL, K_ALL},
    [KEY_KIND] = {"kind", K_ALL, K_ALL},
    [KEY_PAPER] = {"paper", K_ALL, K_ALL},
    [KEY_ALPHA] = {"alpha", K_ALL & ~K_RATE, 0},
    [KEY_QUANTITY] = {"quantity", K_TWO | K_VALUE | K_RATE, K_TWO | K_VALUE | K_RATE},
    [KEY_A] = {"a", K_TWO, K_TWO},
    [KEY_B] = {"b", K_TWO, K_TWO},
    [KEY_CONDITION] = {"condition", K_ONE, K_ONE},
    [KEY_PAPER_MEAN] = {"paper_mean", K_VALUE, K_VALUE},
    [KEY_PAPER_SD] = {"paper_sd", K_VALUE, K_VALUE},
    [KEY_PAPER_N] = {"paper_n", K_VALUE, 0},
    [KEY_ABOVE] = {"above", K_RATE, K_RATE},
    [KEY_MIN_FRACTION] = {"min_fraction", K_RATE, K_RATE},
    [KEY_X] = {"x", K_UNCORR, K_UNCORR},
    [KEY_Y] = {"y", K_UNCORR, K_UNCORR},
    [KEY_A_QUANTITY] = {"a_quantity", K_PAIRED, K_PAIRED},
    [KEY_B_QUANTITY] = {"b_quantity", K_PAIRED, K_PAIRED},
    [KEY_FIRST] = {"first", K_EARLIER, K_EARLIER},
    [KEY_THEN] = {"then", K_EARLIER, K_EARLIER},
    [KEY_WHERE] = {"where", K_EARLIER, 0},
    [KEY_GROUPS] = {"groups", K_ALL, 0},
    [KEY_TARGETS] = {"targets", K_ALL, 0},
    /* an equivalence claim needs its margin; value's defaults to the paper's sd */
    [KEY_MARGIN] = {"margin", K_VALUE | K_UNCORR | KB(SUMMARY_CLAIM_NO_DIFFERENCE),
                    K_UNCORR | KB(SUMMARY_CLAIM_NO_DIFFERENCE)},
};

/* The claims file being read (yaml_doc.h). */
typedef yaml_doc ctx;

/* A claims file is read whole; it is a page of YAML. */
#define CLAIMS_MAX_BYTES ((size_t)16 << 20)

/* "a, b, c" into buf. */
static void join(const char *const *names, int n, char *buf, size_t cap) {
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < cap; i++) {
        int w = snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* Walk a mapping's keys: each a plain scalar, known (names[]), once. The
 * value node of key i goes to values[i], its key node to keys[i] (NULL when
 * absent). `what` names the mapping in messages. */
static int read_mapping(const ctx *x, const yaml_node_t *map, const char *const *names, int n,
                        yaml_node_t **values, yaml_node_t **keys, const char *what) {
    for (int i = 0; i < n; i++) values[i] = keys[i] = NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = ydoc_node(x, p->key), *v = ydoc_node(x, p->value);
        const char *key = ydoc_scalar(k);
        if (!key) return ydoc_fail_at(x, k, "%s: keys must be plain names, not %s", what, ydoc_type_name(k));
        int found = -1;
        for (int i = 0; i < n && found < 0; i++)
            if (strcmp(key, names[i]) == 0) found = i;
        if (found < 0) {
            char hint[96], all[400];
            mimod_suggest(key, names, n, hint, sizeof hint);
            join(names, n, all, sizeof all);
            return ydoc_fail_at(x, k, "%s: unknown key '%s'%s; known keys: %s", what, key, hint, all);
        }
        if (keys[found])
            return ydoc_fail_at(x, k, "%s: key '%s' appears twice (first at line %zu)", what, key,
                           keys[found]->start_mark.line + 1);
        values[found] = v;
        keys[found] = k;
    }
    return MIMOD_OK;
}

static int get_string(const ctx *x, const yaml_node_t *v, const char *key, char *buf, size_t cap) {
    const char *s = ydoc_scalar(v);
    if (!s) return ydoc_fail_at(x, v, "%s: expected text, got %s", key, ydoc_type_name(v));
    if (!*s) return ydoc_fail_at(x, v, "%s: must not be empty", key);
    if (strlen(s) >= cap)
        return ydoc_fail_at(x, v, "%s: longer than %zu characters", key, cap - 1);
    snprintf(buf, cap, "%s", s);
    return MIMOD_OK;
}

static int get_number(const ctx *x, const yaml_node_t *v, const char *key, double *out) {
    const char *s = ydoc_scalar(v);
    if (!s || !*s) return ydoc_fail_at(x, v, "%s: expected a number, got %s", key, ydoc_type_name(v));
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(d))
        return ydoc_fail_at(x, v, "%s: expected a number, got '%s'", key, s);
    *out = d;
    return MIMOD_OK;
}

/* A whole number ≥ 2 (a group count, the paper's n). */
static int get_count(const ctx *x, const yaml_node_t *v, const char *key, int *out) {
    double d = 0.0;
    int rc = get_number(x, v, key, &d);
    if (rc) return rc;
    if (d != floor(d) || d < 2 || d > 1e6)
        return ydoc_fail_at(x, v, "%s: expected a whole number ≥ 2, got %s", key, ydoc_scalar(v));
    *out = (int)d;
    return MIMOD_OK;
}

static int get_bool(const ctx *x, const yaml_node_t *v, const char *key, int *out) {
    const char *s = ydoc_scalar(v);
    if (s && (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))) *out = 1;
    else if (s && (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))) *out = 0;
    else if (s) return ydoc_fail_at(x, v, "%s: expected true or false, got '%s'", key, s);
    else return ydoc_fail_at(x, v, "%s: expected true or false, got %s", key, ydoc_type_name(v));
    return MIMOD_OK;
}

static int get_quantity(const ctx *x, const yaml_node_t *v, const char *key, int *q) {
    const char *s = ydoc_scalar(v);
    if (!s) return ydoc_fail_at(x, v, "%s: expected a quantity name, got %s", key, ydoc_type_name(v));
    for (int i = 0; i < SQ_COUNT; i++)
        if (strcmp(s, summary_quantity_name(i)) == 0) {
            *q = i;
            return MIMOD_OK;
        }
    char hint[96], all[200];
    const char *names[SQ_COUNT];
    for (int i = 0; i < SQ_COUNT; i++) names[i] = summary_quantity_name(i);
    mimod_suggest(s, names, SQ_COUNT, hint, sizeof hint);
    join(names, SQ_COUNT, all, sizeof all);
    return ydoc_fail_at(x, v, "%s: unknown quantity '%s'%s; quantities: %s", key, s, hint, all);
}

/* A quantity read along the time course (i_n is computed at the end only). */
static int get_tc_quantity(const ctx *x, const yaml_node_t *v, const char *key, int *q) {
    int rc = get_quantity(x, v, key, q);
    if (rc) return rc;
    if (*q == SQ_I_N)
        return ydoc_fail_at(x, v, "%s: i_n has no time course (it is computed at the end only)", key);
    return MIMOD_OK;
}

static int get_selector(const ctx *x, const yaml_node_t *v, const char *key, summary_selector *s) {
    static const char *const names[3] = {"mi", "l2", "lambda_reg"};
    if (v->type != YAML_MAPPING_NODE)
        return ydoc_fail_at(x, v, "%s: expected a condition like {mi: true, l2: false}, got %s", key,
                       ydoc_type_name(v));
    yaml_node_t *vals[3], *keys[3];
    char what[48];
    snprintf(what, sizeof what, "%s", key);
    int rc = read_mapping(x, v, names, 3, vals, keys, what);
    if (rc) return rc;
    s->mi = s->l2 = -1;
    s->lambda_reg = NAN;
    if (vals[0] && (rc = get_bool(x, vals[0], "mi", &s->mi))) return rc;
    if (vals[1] && (rc = get_bool(x, vals[1], "l2", &s->l2))) return rc;
    if (vals[2]) {
        snprintf(what, sizeof what, "%s: lambda_reg", key);
        if ((rc = get_number(x, vals[2], what, &s->lambda_reg))) return rc;
        if (s->lambda_reg < 0.0)
            return ydoc_fail_at(x, vals[2], "%s: must be ≥ 0, got %g", what, s->lambda_reg);
        if (s->l2 >= 0 && s->l2 != (s->lambda_reg > 0.0))
            return ydoc_fail_at(x, vals[2], "%s: %g contradicts l2: %s", what, s->lambda_reg,
                           s->l2 ? "true" : "false");
    }
    return MIMOD_OK;
}

static int parse_claim(const ctx *x, const yaml_node_t *m, int index, summary_claim *c,
                       const summary_claim *previous, yaml_node_t **id_nodes) {
    memset(c, 0, sizeof *c);
    c->line = (int)m->start_mark.line + 1;
    c->alpha = 0.05;
    c->groups = 2;
    c->paper_n = 20;
    c->quantity = c->x = c->y = c->a_quantity = c->b_quantity = c->first = c->then = -1;
    c->where_quantity = -1;
    c->a.mi = c->a.l2 = c->b.mi = c->b.l2 = c->condition.mi = c->condition.l2 = -1;
    c->paper_mean = c->paper_sd = c->above = c->min_fraction = c->where_above = NAN;
    if (m->type != YAML_MAPPING_NODE)
        return ydoc_fail_at(x, m, "claim %d: expected a mapping (id:, task:, text:, kind:, ...), got %s",
                       index + 1, ydoc_type_name(m));
    const char *names[N_KEYS];
    for (int i = 0; i < N_KEYS; i++) names[i] = claim_keys[i].name;
    yaml_node_t *v[N_KEYS], *k[N_KEYS];
    /* messages name the claim by its id when it has one, else by its number */
    char what[64];
    snprintf(what, sizeof what, "claim %d", index + 1);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *key = ydoc_scalar(ydoc_node(x, p->key)), *val = ydoc_scalar(ydoc_node(x, p->value));
        if (key && val && *val && strcmp(key, "id") == 0) {
            snprintf(what, sizeof what, "claim '%.40s'", val);
            break;
        }
    }
    int rc = read_mapping(x, m, names, N_KEYS, v, k, what);
    if (rc) return rc;

    if (!v[KEY_KIND]) return ydoc_fail_at(x, m, "%s: missing key 'kind'", what);
    const char *kind = ydoc_scalar(v[KEY_KIND]);
    if (!kind)
        return ydoc_fail_at(x, v[KEY_KIND], "%s: kind: expected a name, got %s", what,
                       ydoc_type_name(v[KEY_KIND]));
    int kind_i = -1;
    for (int i = 0; i < SUMMARY_CLAIM_N_KINDS; i++)
        if (strcmp(kind, summary_claim_kind_names[i]) == 0) kind_i = i;
    if (kind_i < 0) {
        char hint[96], all[200];
        mimod_suggest(kind, summary_claim_kind_names, SUMMARY_CLAIM_N_KINDS, hint, sizeof hint);
        join(summary_claim_kind_names, SUMMARY_CLAIM_N_KINDS, all, sizeof all);
        return ydoc_fail_at(x, v[KEY_KIND], "%s: unknown kind '%s'%s; kinds: %s", what, kind, hint, all);
    }
    c->kind = (summary_claim_kind)kind_i;
    unsigned bit = KB(kind_i);
    /* the keys of this kind, for messages */
    const char *own[N_KEYS];
    int n_own = 0;
    for (int i = 0; i < N_KEYS; i++)
        if (claim_keys[i].kinds & bit) own[n_own++] = claim_keys[i].name;
    char own_list[400];
    join(own, n_own, own_list, sizeof own_list);
    for (int i = 0; i < N_KEYS; i++)
        if (v[i] && !(claim_keys[i].kinds & bit))
            return ydoc_fail_at(x, k[i], "%s: key '%s' does not apply to kind %s (its keys: %s)", what,
                           claim_keys[i].name, kind, own_list);
    for (int i = 0; i < N_KEYS; i++)
        if (!v[i] && (claim_keys[i].required & bit))
            return ydoc_fail_at(x, m, "%s: missing key '%s' (kind %s takes: %s)", what,
                           claim_keys[i].name, kind, own_list);

    /* values, in key order */
    if ((rc = get_string(x, v[KEY_ID], "id", c->id, sizeof c->id))) return rc;
    for (int i = 0; i < index; i++)
        if (strcmp(previous[i].id, c->id) == 0)
            return ydoc_fail_at(x, v[KEY_ID], "duplicate id '%s' (first at line %zu)", c->id,
                           id_nodes[i]->start_mark.line + 1);
    id_nodes[index] = v[KEY_ID];
    const char *task = ydoc_scalar(v[KEY_TASK]);
    char task_list[256];
    mimod_task_names(task_list, sizeof task_list);
    if (task && (c->task_def = mimod_task_find(task))) {
        snprintf(c->task, sizeof c->task, "%s", task);
    } else if (task) {
        const char *known[MIMOD_MAX_TASKS];
        for (int i = 0; i < mimod_task_count(); i++) known[i] = mimod_task_at(i)->name;
        char hint[96];
        mimod_suggest(task, known, mimod_task_count(), hint, sizeof hint);
        return ydoc_fail_at(x, v[KEY_TASK], "task: unknown task '%s'%s; tasks: %s", task, hint,
                       task_list);
    } else {
        return ydoc_fail_at(x, v[KEY_TASK], "task: expected %s, got %s", task_list,
                       ydoc_type_name(v[KEY_TASK]));
    }
    if ((rc = get_string(x, v[KEY_TEXT], "text", c->text, sizeof c->text))) return rc;
    if ((rc = get_string(x, v[KEY_PAPER], "paper", c->paper, sizeof c->paper))) return rc;
    if (v[KEY_ALPHA]) {
        if ((rc = get_number(x, v[KEY_ALPHA], "alpha", &c->alpha))) return rc;
        if (!(c->alpha > 0.0 && c->alpha < 1.0))
            return ydoc_fail_at(x, v[KEY_ALPHA], "alpha: must be in (0, 1), got %g", c->alpha);
    }
    if (v[KEY_GROUPS] && (rc = get_count(x, v[KEY_GROUPS], "groups", &c->groups))) return rc;
    if (v[KEY_TARGETS]) {
        double d = 0.0;
        if ((rc = get_number(x, v[KEY_TARGETS], "targets", &d))) return rc;
        if (d != floor(d) || d < 1 || d > 1e6)
            return ydoc_fail_at(x, v[KEY_TARGETS], "targets: expected a whole number ≥ 1, got %s",
                                ydoc_scalar(v[KEY_TARGETS]));
        c->targets = (int)d;
    }
    if (v[KEY_QUANTITY] && (rc = get_quantity(x, v[KEY_QUANTITY], "quantity", &c->quantity)))
        return rc;
    if (v[KEY_A] && (rc = get_selector(x, v[KEY_A], "a", &c->a))) return rc;
    if (v[KEY_B] && (rc = get_selector(x, v[KEY_B], "b", &c->b))) return rc;
    if (v[KEY_CONDITION] && (rc = get_selector(x, v[KEY_CONDITION], "condition", &c->condition)))
        return rc;
    if (v[KEY_PAPER_MEAN] && (rc = get_number(x, v[KEY_PAPER_MEAN], "paper_mean", &c->paper_mean)))
        return rc;
    if (v[KEY_PAPER_SD]) {
        if ((rc = get_number(x, v[KEY_PAPER_SD], "paper_sd", &c->paper_sd))) return rc;
        if (c->paper_sd < 0.0)
            return ydoc_fail_at(x, v[KEY_PAPER_SD], "paper_sd: must be ≥ 0, got %g", c->paper_sd);
    }
    if (v[KEY_PAPER_N] && (rc = get_count(x, v[KEY_PAPER_N], "paper_n", &c->paper_n)))
        return rc;
    c->margin = c->kind == SUMMARY_CLAIM_VALUE ? c->paper_sd : NAN;
    if (v[KEY_MARGIN]) {
        if ((rc = get_number(x, v[KEY_MARGIN], "margin", &c->margin))) return rc;
        if (!(c->margin > 0.0) || (c->kind == SUMMARY_CLAIM_UNCORRELATED && !(c->margin < 1.0)))
            return ydoc_fail_at(x, v[KEY_MARGIN], "margin: must be %s, got %g",
                           c->kind == SUMMARY_CLAIM_UNCORRELATED ? "in (0, 1) (a bound on |r|)"
                                                                  : "> 0",
                           c->margin);
    } else if (c->kind == SUMMARY_CLAIM_VALUE && !(c->margin > 0.0)) {
        return ydoc_fail_at(x, v[KEY_PAPER_SD],
                       "paper_sd: is 0, so it cannot be the equivalence margin: give 'margin'");
    }
    if (v[KEY_ABOVE] && (rc = get_number(x, v[KEY_ABOVE], "above", &c->above))) return rc;
    if (v[KEY_MIN_FRACTION]) {
        if ((rc = get_number(x, v[KEY_MIN_FRACTION], "min_fraction", &c->min_fraction))) return rc;
        if (!(c->min_fraction >= 0.0 && c->min_fraction <= 1.0))
            return ydoc_fail_at(x, v[KEY_MIN_FRACTION], "min_fraction: must be in [0, 1], got %g",
                           c->min_fraction);
    }
    if (v[KEY_X] && (rc = get_quantity(x, v[KEY_X], "x", &c->x))) return rc;
    if (v[KEY_Y] && (rc = get_quantity(x, v[KEY_Y], "y", &c->y))) return rc;
    if (v[KEY_A_QUANTITY] && (rc = get_quantity(x, v[KEY_A_QUANTITY], "a_quantity", &c->a_quantity)))
        return rc;
    if (v[KEY_B_QUANTITY] && (rc = get_quantity(x, v[KEY_B_QUANTITY], "b_quantity", &c->b_quantity)))
        return rc;
    if (v[KEY_FIRST] && (rc = get_tc_quantity(x, v[KEY_FIRST], "first", &c->first))) return rc;
    if (v[KEY_THEN] && (rc = get_tc_quantity(x, v[KEY_THEN], "then", &c->then))) return rc;
    if (v[KEY_WHERE]) {
        static const char *const wnames[2] = {"quantity", "above"};
        yaml_node_t *wv[2], *wk[2];
        if (v[KEY_WHERE]->type != YAML_MAPPING_NODE)
            return ydoc_fail_at(x, v[KEY_WHERE],
                           "where: expected a mapping like {quantity: q_str, above: 0.1}, got %s",
                           ydoc_type_name(v[KEY_WHERE]));
        if ((rc = read_mapping(x, v[KEY_WHERE], wnames, 2, wv, wk, "where"))) return rc;
        for (int i = 0; i < 2; i++)
            if (!wv[i])
                return ydoc_fail_at(x, v[KEY_WHERE], "where: missing key '%s' (where takes quantity, above)",
                               wnames[i]);
        if ((rc = get_quantity(x, wv[0], "where: quantity", &c->where_quantity))) return rc;
        if ((rc = get_number(x, wv[1], "where: above", &c->where_above))) return rc;
    }
    if (c->kind == SUMMARY_CLAIM_UNCORRELATED && c->x == c->y)
        return ydoc_fail_at(x, v[KEY_Y], "y: the same quantity as x");
    if (c->kind == SUMMARY_CLAIM_PAIRED_GREATER && c->a_quantity == c->b_quantity)
        return ydoc_fail_at(x, v[KEY_B_QUANTITY], "b_quantity: the same quantity as a_quantity");
    if (c->kind == SUMMARY_CLAIM_EARLIER && c->first == c->then)
        return ydoc_fail_at(x, v[KEY_THEN], "then: the same quantity as first");
    return MIMOD_OK;
}

void summary_claims_free(summary_claims *cs) {
    free(cs->claims);
    memset(cs, 0, sizeof *cs);
}

int summary_claims_parse(const char *name, const char *text, summary_claims *cs, mimod_err *err) {
    memset(cs, 0, sizeof *cs);
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        int rc = mimod_errf(err, MIMOD_EINVAL, "%s:%zu:%zu: YAML syntax: %s%s%s%s", name,
                            parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                            parser.problem ? parser.problem : "error",
                            parser.context ? " (" : "", parser.context ? parser.context : "",
                            parser.context ? ")" : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_parser_delete(&parser);
    ctx x = {name, &doc, err};
    int rc = MIMOD_OK;
    yaml_node_t **id_nodes = NULL;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = root ? ydoc_fail_at(&x, root, "a claims file is a mapping with a 'claims:' list, not %s",
                            ydoc_type_name(root))
                  : mimod_errf(err, MIMOD_EINVAL, "%s:1:1: empty file: expected 'claims:' and a list",
                               name);
        goto done;
    }
    static const char *const top[2] = {"claims", "description"};
    yaml_node_t *tv[2], *tk[2];
    if ((rc = read_mapping(&x, root, top, 2, tv, tk, "top level"))) goto done;
    if (!tv[0]) {
        rc = ydoc_fail_at(&x, root, "top level: missing key 'claims' (a list of claims)");
        goto done;
    }
    yaml_node_t *list = tv[0];
    if (list->type != YAML_SEQUENCE_NODE) {
        rc = ydoc_fail_at(&x, list, "claims: expected a list of claims, got %s", ydoc_type_name(list));
        goto done;
    }
    int n = (int)(list->data.sequence.items.top - list->data.sequence.items.start);
    cs->claims = calloc((size_t)(n ? n : 1), sizeof *cs->claims);
    id_nodes = calloc((size_t)(n ? n : 1), sizeof *id_nodes);
    if (!cs->claims || !id_nodes) {
        rc = mimod_errf(err, MIMOD_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    for (int i = 0; i < n; i++) {
        yaml_node_t *m = ydoc_node(&x, list->data.sequence.items.start[i]);
        if ((rc = parse_claim(&x, m, i, &cs->claims[i], cs->claims, id_nodes))) goto done;
        cs->n = i + 1;
    }
done:
    free(id_nodes);
    yaml_document_delete(&doc);
    if (rc) summary_claims_free(cs);
    return rc;
}

int summary_claims_load(const char *path, summary_claims *cs, mimod_err *err) {
    memset(cs, 0, sizeof *cs);
    char *text = NULL;
    size_t len = 0;
    int rc = mimod_read_text_file(path, CLAIMS_MAX_BYTES, "claims file", NULL, &text, &len, err);
    if (rc) return rc;
    if (strlen(text) != len) {
        free(text);
        return mimod_errf(err, MIMOD_EINVAL, "%s: contains a NUL byte: not a YAML text file", path);
    }
    rc = summary_claims_parse(path, text, cs, err);
    free(text);
    return rc;
}

/* ------------------------------------------------------------- the checks */

static double final_of(const summary_task *t, int q, int p) {
    return t->final_values[(size_t)q * (size_t)t->n_points + (size_t)p];
}

static double tc_of(const summary_task *t, int q, int p, int r) {
    return t->timecourse[((size_t)q * (size_t)t->n_points + (size_t)p) * (size_t)t->n_records +
                         (size_t)r];
}

/* Appends to buf[n] at *used (never past its end). */
static void append(char *buf, size_t n, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t n, size_t *used, const char *fmt, ...) {
    if (*used + 1 >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *used, n - *used, fmt, ap);
    va_end(ap);
    if (w > 0) *used = *used + (size_t)w < n ? *used + (size_t)w : n - 1;
}

static void selector_yaml(const summary_selector *s, char *buf, size_t n) {
    size_t used = 0;
    if (n == 0) return;
    buf[0] = '\0';
    append(buf, n, &used, "{");
    const char *sep = "";
    if (s->mi >= 0) {
        append(buf, n, &used, "mi: %s", s->mi ? "true" : "false");
        sep = ", ";
    }
    if (s->l2 >= 0) {
        append(buf, n, &used, "%sl2: %s", sep, s->l2 ? "true" : "false");
        sep = ", ";
    }
    if (!isnan(s->lambda_reg)) append(buf, n, &used, "%slambda_reg: %g", sep, s->lambda_reg);
    append(buf, n, &used, "}");
}

static void selector_words(const summary_selector *s, char *buf, size_t n) {
    const char *mi = s->mi < 0 ? NULL : s->mi ? "MI" : "no MI";
    const char *l2 = s->l2 < 0 ? NULL : s->l2 ? "L2" : "no L2";
    char reg[48] = "";
    if (!isnan(s->lambda_reg)) snprintf(reg, sizeof reg, "lambda_reg = %g", s->lambda_reg);
    const char *parts[3] = {mi, l2, reg[0] ? reg : NULL};
    size_t used = 0;
    buf[0] = '\0';
    int k = 0;
    for (int i = 0; i < 3; i++)
        if (parts[i]) append(buf, n, &used, "%s%s", k++ ? " and " : "", parts[i]);
    if (!k) append(buf, n, &used, "any lambda");
}

/* 1 if λ (NaN: unknown) satisfies a selector field (−1 any, 0: λ == 0, 1: λ > 0). */
static int lambda_matches(int want, double lambda) {
    if (want < 0) return 1;
    if (isnan(lambda)) return 0;
    return want ? lambda > 0.0 : lambda == 0.0;
}

/* 1 if condition C is of K groups and its λ satisfy s. */
static int condition_matches(const summary_condition *C, const summary_selector *s, int K) {
    return C->n_groups == K && lambda_matches(s->mi, C->lambda_I) &&
           lambda_matches(s->l2, C->lambda_reg) &&
           (isnan(s->lambda_reg) || summary_same_value(C->lambda_reg, s->lambda_reg));
}

/* The one condition of K groups matching s, or −1 with the reason in buf. */
static int select_condition(const summary_analysis *a, const summary_selector *s, int K, char *buf,
                            size_t n) {
    int found = -1, count = 0, unknown = 0, other_k = 0;
    for (int c = 0; c < a->n_conditions; c++) {
        const summary_condition *C = &a->conditions[c];
        if (C->n_groups != K) {
            other_k = C->n_groups;
            continue;
        }
        if ((s->mi >= 0 && isnan(C->lambda_I)) || (s->l2 >= 0 && isnan(C->lambda_reg))) unknown = 1;
        if (condition_matches(C, s, K)) {
            if (count == 0) found = c;
            count++;
        }
    }
    if (count == 1) return found;
    char sel[64];
    if (count == 0) {
        selector_words(s, sel, sizeof sel);
        char kinfo[96] = "";
        if (other_k)
            snprintf(kinfo, sizeof kinfo, " (the claim is about %d groups; the file has conditions of %d)",
                     K, other_k);
        snprintf(buf, n, "no condition with %s in this file's grid%s%s", sel,
                 unknown ? " (a lambda is unknown: neither an axis nor in config_yaml)" : "", kinfo);
        return -1;
    }
    selector_yaml(s, sel, sizeof sel);
    int w = snprintf(buf, n, "%d conditions match %s:", count, sel);
    size_t used = w > 0 && (size_t)w < n ? (size_t)w : n - 1;
    int listed = 0;
    for (int c = 0; c < a->n_conditions && used + 1 < n; c++) {
        const summary_condition *C = &a->conditions[c];
        if (!condition_matches(C, s, K)) continue;
        char label[200];
        summary_condition_label(a, c, label, sizeof label);
        w = snprintf(buf + used, n - used, "%s %s", listed ? ";" : "", label);
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
        listed++;
    }
    return -1;
}

static void result_init(summary_claim_result *r) {
    memset(r, 0, sizeof *r);
    r->verdict = SUMMARY_NOT_TESTABLE;
    r->statistic = r->df = r->p = NAN;
    r->mean_a = r->sd_a = r->mean_b = r->sd_b = r->mean_d = r->sd_d = NAN;
    r->margin = r->ci_lo = r->ci_hi = r->p_equiv = NAN;
    snprintf(r->ours, sizeof r->ours, "—");
    snprintf(r->test, sizeof r->test, "—");
}

static void note(summary_claim_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(summary_claim_result *r, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->note, sizeof r->note, fmt, ap);
    va_end(ap);
}

/* "0.31 ± 0.12 (n=10)": the summary's rule for mean ± sd (summary_report.h). */
static void fmt_mean_sd_n(char *buf, size_t n, double mean, double sd, int count) {
    char ms[64];
    summary_fmt_mean_sd(ms, sizeof ms, mean, sd);
    snprintf(buf, n, "%s (n=%d)", ms, count);
}

/* "t(6) = 5.21, p = 1.1e-04" (prefix e.g. "Welch ", "paired "); α when not 0.05. */
static void fmt_t(summary_claim_result *r, const char *prefix, double alpha) {
    char p_s[32], a_s[32] = "", t_s[32], df_s[32];
    summary_fmt_p(p_s, sizeof p_s, r->p);
    summary_fmt_t(t_s, sizeof t_s, r->statistic);
    summary_fmt_df(df_s, sizeof df_s, r->df);
    if (alpha != 0.05) snprintf(a_s, sizeof a_s, ", α = %g", alpha);
    snprintf(r->test, sizeof r->test, "%st(%s) = %s, p = %s%s", prefix, df_s, t_s, p_s, a_s);
}

/* Finite final values of q over the condition's finished trials into out; their count. */
static int gather(const summary_task *t, int q, const summary_condition *C, double *out) {
    int n = 0;
    for (int k = 0; k < C->n_points; k++) {
        double v = final_of(t, q, C->points[k]);
        if (isfinite(v)) out[n++] = v;
    }
    return n;
}

/* "condition {mi: true} needs ≥ 2 finished trials, has 1" (and "with a finite q" when
 * some finished trials lack the value). */
static void too_few(summary_claim_result *r, const char *who, int need, int have, int finished,
                    const char *what) {
    if (have == finished)
        note(r, "%s needs ≥ %d finished trials, has %d", who, need, have);
    else
        note(r, "%s needs ≥ %d finished trials with %s, has %d (of %d finished)", who, need, what,
             have, finished);
}

static int quantity_missing(const summary_claim *c, int q, summary_claim_result *r) {
    if (q >= 0 && !summary_quantity_in_task(q, c->task_def)) {
        note(r, "the %s task has no %s", c->task, summary_quantity_name(q));
        return 1;
    }
    return 0;
}

static void decide_greater(summary_claim_result *r, double diff, double alpha) {
    if (diff > 0.0 && r->p < alpha) {
        r->verdict = SUMMARY_HOLDS;
    } else {
        r->verdict = SUMMARY_FAILS;
        if (!(diff > 0.0)) note(r, "wrong direction");
        else note(r, "not significant: p ≥ %g", alpha);
    }
}

/* The verdict of an equivalence claim (value, no_difference, uncorrelated),
 * from the difference test's two-sided p and the TOST result (docs/summary.md,
 * "Equivalence"): holds when the (1 − 2α) interval of the difference lies
 * inside ±margin; fails when the difference is significant and not within the
 * margin; otherwise inconclusive — the data neither show a difference nor
 * rule out one as large as the margin. Appends "; TOST ±δ: p = …" to the test
 * column. */
static void equivalence_verdict(const summary_claim *c, summary_claim_result *r,
                                const summary_tost_result *e, const char *differs) {
    r->margin = e->margin;
    r->ci_lo = e->ci_lo;
    r->ci_hi = e->ci_hi;
    r->p_equiv = e->p;
    char p_s[32];
    summary_fmt_p(p_s, sizeof p_s, e->p);
    size_t used = strlen(r->test);
    snprintf(r->test + used, sizeof r->test - used, "; TOST ±%.3g: p = %s", e->margin, p_s);
    int level = (int)lround(100.0 * (1.0 - 2.0 * c->alpha));
    if (e->equivalent && r->p < c->alpha) {
        /* Both at once is possible with a narrow spread: the difference is real
         * but smaller than the margin. The claim holds by the rule, and the note
         * says so, so that nobody reads it as "no difference" (docs/summary.md). */
        char pd_s[32];
        summary_fmt_p(pd_s, sizeof pd_s, r->p);
        r->verdict = SUMMARY_HOLDS;
        note(r, "equivalent within ±%.3g, though different: %d %% CI [%.3g, %.3g], and the "
             "difference is significant (p = %s): smaller than the margin, not zero",
             e->margin, level, e->ci_lo, e->ci_hi, pd_s);
    } else if (e->equivalent) {
        r->verdict = SUMMARY_HOLDS;
        note(r, "equivalent within ±%.3g: %d %% CI [%.3g, %.3g]", e->margin, level, e->ci_lo,
             e->ci_hi);
    } else if (r->p < c->alpha) {
        r->verdict = SUMMARY_FAILS;
        note(r, "%s: p < %g; %d %% CI [%.3g, %.3g] not inside ±%.3g", differs, c->alpha, level,
             e->ci_lo, e->ci_hi, e->margin);
    } else {
        r->verdict = SUMMARY_INCONCLUSIVE;
        note(r, "n too small: no significant difference, but the %d %% CI [%.3g, %.3g] is not "
             "inside ±%.3g", level, e->ci_lo, e->ci_hi, e->margin);
    }
}

static void check_two_sample(const summary_claim *c, const summary_analysis *a,
                             summary_claim_result *r, double *bufa, double *bufb) {
    const summary_task *t = a->task;
    char why[512], sa[64], sb[64];
    selector_yaml(&c->a, sa, sizeof sa);
    selector_yaml(&c->b, sb, sizeof sb);
    int ca = select_condition(a, &c->a, c->groups, why, sizeof why);
    if (ca < 0) {
        note(r, "a: %s", why);
        return;
    }
    int cb = select_condition(a, &c->b, c->groups, why, sizeof why);
    if (cb < 0) {
        note(r, "b: %s", why);
        return;
    }
    if (ca == cb) {
        note(r, "a %s and b %s select the same condition", sa, sb);
        return;
    }
    const summary_condition *A = &a->conditions[ca], *B = &a->conditions[cb];
    const char *qn = summary_quantity_name(c->quantity);
    int na = gather(t, c->quantity, A, bufa), nb = gather(t, c->quantity, B, bufb);
    summary_ttest_result res;
    int rc = summary_ttest(bufa, na, bufb, nb, 0, &res, NULL);
    r->n_a = na;
    r->n_b = nb;
    r->mean_a = res.mean_a;
    r->sd_a = res.sd_a;
    r->mean_b = res.mean_b;
    r->sd_b = res.sd_b;
    char oa[96], ob[96], who[96];
    fmt_mean_sd_n(oa, sizeof oa, res.mean_a, res.sd_a, na);
    fmt_mean_sd_n(ob, sizeof ob, res.mean_b, res.sd_b, nb);
    snprintf(r->ours, sizeof r->ours, "%s vs %s", oa, ob);
    if (na < 2) {
        snprintf(who, sizeof who, "a %s", sa);
        too_few(r, who, 2, na, A->n_points, qn);
        return;
    }
    if (nb < 2) {
        snprintf(who, sizeof who, "b %s", sb);
        too_few(r, who, 2, nb, B->n_points, qn);
        return;
    }
    if (rc != MIMOD_OK) {
        note(r, "both samples have zero variance (%g and %g): t undefined", res.mean_a, res.mean_b);
        return;
    }
    r->statistic = res.t;
    r->df = res.df;
    r->p = res.p;
    fmt_t(r, "", c->alpha);
    double diff = res.mean_a - res.mean_b;
    if (c->kind == SUMMARY_CLAIM_GREATER) {
        decide_greater(r, diff, c->alpha);
    } else if (c->kind == SUMMARY_CLAIM_LESS) {
        decide_greater(r, -diff, c->alpha);
    } else {
        summary_tost_result e;
        if (summary_tost_t(diff, res.se, res.df, c->margin, c->alpha, &e, NULL) != MIMOD_OK) {
            note(r, "equivalence test undefined (se %g, margin %g)", res.se, c->margin);
            return;
        }
        equivalence_verdict(c, r, &e, "significant difference");
    }
}

static void check_value(const summary_claim *c, const summary_analysis *a, int cond,
                        summary_claim_result *r, double *buf) {
    const summary_condition *C = &a->conditions[cond];
    int n = gather(a->task, c->quantity, C, buf);
    int used;
    double mean, sd;
    summary_mean_sd(buf, n, &used, &mean, &sd);
    r->n_a = n;
    r->mean_a = mean;
    r->sd_a = sd;
    r->n_b = c->paper_n;
    r->mean_b = c->paper_mean;
    r->sd_b = c->paper_sd;
    fmt_mean_sd_n(r->ours, sizeof r->ours, mean, sd, n);
    if (n < 2) {
        too_few(r, "the condition", 2, n, C->n_points, summary_quantity_name(c->quantity));
        return;
    }
    summary_ttest_result res;
    if (summary_welch_from_stats(n, mean, sd, c->paper_n, c->paper_mean, c->paper_sd, &res,
                                 NULL) != MIMOD_OK) {
        note(r, "our sd and the paper's are both zero: t undefined");
        return;
    }
    r->statistic = res.t;
    r->df = res.df;
    r->p = res.p;
    char n_s[32];
    snprintf(n_s, sizeof n_s, "Welch (paper n=%d) ", c->paper_n);
    fmt_t(r, n_s, c->alpha);
    summary_tost_result e;
    if (summary_tost_t(mean - c->paper_mean, res.se, res.df, c->margin, c->alpha, &e, NULL) !=
        MIMOD_OK) {
        note(r, "equivalence test undefined (se %g, margin %g)", res.se, c->margin);
        r->verdict = SUMMARY_NOT_TESTABLE;
        return;
    }
    equivalence_verdict(c, r, &e, "differs from the paper");
}

static void check_rate(const summary_claim *c, const summary_analysis *a, int cond,
                       summary_claim_result *r, double *buf) {
    const summary_condition *C = &a->conditions[cond];
    int n = gather(a->task, c->quantity, C, buf), k = 0;
    for (int i = 0; i < n; i++) k += buf[i] > c->above;
    r->n_a = n;
    r->k = k;
    const char *qn = summary_quantity_name(c->quantity);
    snprintf(r->ours, sizeof r->ours, "%d/%d with %s > %g", k, n, qn, c->above);
    if (n < 2) {
        too_few(r, "the condition", 2, n, C->n_points, qn);
        return;
    }
    double frac = (double)k / n;
    r->statistic = frac;
    /* k/n ≥ min_fraction, without rounding trouble at e.g. 10/20 vs 0.5 */
    if ((double)k >= c->min_fraction * n - 1e-9) {
        r->verdict = SUMMARY_HOLDS;
    } else {
        r->verdict = SUMMARY_FAILS;
        note(r, "%d/%d = %.3g < %g", k, n, frac, c->min_fraction);
    }
}

static void check_uncorrelated(const summary_claim *c, const summary_analysis *a, int cond,
                               summary_claim_result *r, double *bx, double *by) {
    const summary_task *t = a->task;
    const summary_condition *C = &a->conditions[cond];
    int n = 0;
    for (int k = 0; k < C->n_points; k++) {
        double vx = final_of(t, c->x, C->points[k]), vy = final_of(t, c->y, C->points[k]);
        if (!isfinite(vx) || !isfinite(vy)) continue;
        bx[n] = vx;
        by[n] = vy;
        n++;
    }
    r->n_a = n;
    const char *xn = summary_quantity_name(c->x), *yn = summary_quantity_name(c->y);
    char what[96];
    snprintf(what, sizeof what, "both %s and %s", xn, yn);
    snprintf(r->ours, sizeof r->ours, "n=%d", n);
    if (n < 3) {
        too_few(r, "the condition", 3, n, C->n_points, what);
        return;
    }
    int used;
    double rr, p;
    if (summary_pearson(bx, by, n, &used, &rr, &p, NULL) != MIMOD_OK) {
        int used_x, used_y;
        double m, sdx, sdy;
        summary_mean_sd(bx, n, &used_x, &m, &sdx);
        summary_mean_sd(by, n, &used_y, &m, &sdy);
        note(r, "%s is constant over the %d trials: r undefined", sdx > 0.0 ? yn : xn, n);
        snprintf(r->ours, sizeof r->ours, "r undefined (n=%d)", n);
        return;
    }
    r->statistic = rr;
    r->df = n - 2;
    r->p = p;
    char r_s[32], t_s[32], p_s[32], a_s[32] = "";
    summary_fmt_r(r_s, sizeof r_s, rr);
    snprintf(r->ours, sizeof r->ours, "r = %s (n=%d)", r_s, n);
    summary_fmt_p(p_s, sizeof p_s, p);
    if (c->alpha != 0.05) snprintf(a_s, sizeof a_s, ", α = %g", c->alpha);
    if (fabs(rr) >= 1.0) {
        snprintf(r->test, sizeof r->test, "Pearson, |r| = 1: p = 0%s", a_s);
    } else {
        summary_fmt_t(t_s, sizeof t_s, rr * sqrt((n - 2) / (1.0 - rr * rr)));
        snprintf(r->test, sizeof r->test, "Pearson t(%d) = %s, p = %s%s", n - 2, t_s, p_s, a_s);
    }
    summary_tost_result e;
    if (fabs(rr) >= 1.0 || summary_tost_pearson(rr, n, c->margin, c->alpha, &e, NULL) != MIMOD_OK) {
        /* |r| = 1, or n = 3: no interval for ρ; only a significant r can decide */
        r->verdict = p < c->alpha ? SUMMARY_FAILS : SUMMARY_INCONCLUSIVE;
        note(r, p < c->alpha ? "significant correlation: p < %g" : "n too small for the "
             "equivalence test (needs n ≥ 4 and |r| < 1; α %g)", c->alpha);
        return;
    }
    equivalence_verdict(c, r, &e, "significant correlation");
}

/* The paired test on d[n] (> 0 claimed): t-test, or the all-equal rule. */
static void paired_verdict(const summary_claim *c, summary_claim_result *r, const double *d, int n) {
    summary_ttest_result res;
    int rc = summary_ttest_one_sample(d, n, &res, NULL);
    r->mean_d = res.mean_a;
    r->sd_d = res.sd_a;
    if (rc != MIMOD_OK) { /* n ≥ 2 here: all differences equal */
        if (n < 3) {
            note(r, "all %d differences equal %g: p undefined, and n < 3 is too few to decide by "
                    "the sign", n, d[0]);
            return;
        }
        r->verdict = d[0] > 0.0 ? SUMMARY_HOLDS : SUMMARY_FAILS;
        note(r, "all %d differences equal %g: p undefined, verdict by the sign", n, d[0]);
        return;
    }
    r->statistic = res.t;
    r->df = res.df;
    r->p = res.p;
    fmt_t(r, "paired ", c->alpha);
    decide_greater(r, res.mean_a, c->alpha);
}

static void check_paired(const summary_claim *c, const summary_analysis *a, int cond,
                         summary_claim_result *r, double *bx, double *by, double *d) {
    const summary_task *t = a->task;
    const summary_condition *C = &a->conditions[cond];
    int n = 0;
    for (int k = 0; k < C->n_points; k++) {
        double va = final_of(t, c->a_quantity, C->points[k]);
        double vb = final_of(t, c->b_quantity, C->points[k]);
        if (!isfinite(va) || !isfinite(vb)) continue;
        bx[n] = va;
        by[n] = vb;
        d[n] = va - vb;
        n++;
    }
    const char *an = summary_quantity_name(c->a_quantity), *bn = summary_quantity_name(c->b_quantity);
    int used;
    summary_mean_sd(bx, n, &used, &r->mean_a, &r->sd_a);
    summary_mean_sd(by, n, &used, &r->mean_b, &r->sd_b);
    r->n_a = r->n_b = n;
    char what[96];
    snprintf(what, sizeof what, "both %s and %s", an, bn);
    if (n < 2) {
        too_few(r, "the condition", 2, n, C->n_points, what);
        return;
    }
    paired_verdict(c, r, d, n);
    /* both means at the decimal places of the difference */
    double sd_d = isnan(r->sd_d) ? 0.0 : r->sd_d;
    char d_s[64];
    summary_fmt_mean_sd(d_s, sizeof d_s, r->mean_d, sd_d);
    int dec = summary_fmt_decimals(r->mean_d, sd_d);
    if (dec < 0)
        snprintf(r->ours, sizeof r->ours, "%s %.4g vs %s %.4g, difference %s (n=%d)", an, r->mean_a,
                 bn, r->mean_b, d_s, n);
    else
        snprintf(r->ours, sizeof r->ours, "%s %.*f vs %s %.*f, difference %s (n=%d)", an, dec,
                 r->mean_a, bn, dec, r->mean_b, d_s, n);
}

/* The record_step where q first reaches half its rise in trial p; 0 if it does
 * not rise (max ≤ first value, or no finite first value). */
static int t_half(const summary_task *t, int q, int p, double *out) {
    int R = (int)t->n_records;
    double q0 = tc_of(t, q, p, 0), qmax = -INFINITY;
    if (!isfinite(q0)) return 0;
    for (int r = 0; r < R; r++) {
        double v = tc_of(t, q, p, r);
        if (isfinite(v) && v > qmax) qmax = v;
    }
    if (!(qmax > q0)) return 0;
    double threshold = q0 + 0.5 * (qmax - q0);
    for (int r = 0; r < R; r++) {
        double v = tc_of(t, q, p, r);
        if (isfinite(v) && v >= threshold) {
            *out = (double)t->record_step[r];
            return 1;
        }
    }
    return 0;
}

static int has_timecourse(const summary_task *t, int q, const summary_condition *C) {
    for (int k = 0; k < C->n_points; k++)
        for (int r = 0; r < (int)t->n_records; r++)
            if (isfinite(tc_of(t, q, C->points[k], r))) return 1;
    return 0;
}

static void check_earlier(const summary_claim *c, const summary_analysis *a, int cond,
                          summary_claim_result *r, double *tf, double *tt, double *d) {
    const summary_task *t = a->task;
    const summary_condition *C = &a->conditions[cond];
    const char *fn = summary_quantity_name(c->first), *tn = summary_quantity_name(c->then);
    if (t->n_records < 2) {
        note(r, "the time course has %lld record%s (needs ≥ 2)", (long long)t->n_records,
             t->n_records == 1 ? "" : "s");
        return;
    }
    int n = 0, n_where = 0, excluded = 0;
    for (int k = 0; k < C->n_points; k++) {
        int p = C->points[k];
        if (c->where_quantity >= 0) {
            double w = final_of(t, c->where_quantity, p);
            if (!(isfinite(w) && w > c->where_above)) continue;
        }
        n_where++;
        double h1, h2;
        if (!t_half(t, c->first, p, &h1) || !t_half(t, c->then, p, &h2)) {
            excluded++;
            continue;
        }
        tf[n] = h1;
        tt[n] = h2;
        d[n] = h2 - h1;
        n++;
    }
    r->n_a = r->n_b = n;
    r->n_excluded = excluded;
    r->n_where = n_where;
    int used;
    summary_mean_sd(tf, n, &used, &r->mean_a, &r->sd_a);
    summary_mean_sd(tt, n, &used, &r->mean_b, &r->sd_b);
    /* "(n=4; 5 of 6 trials with final q_str > 0.1; 1 excluded: no rise)" */
    char extra[200] = "";
    size_t len = 0;
    if (c->where_quantity >= 0)
        len += (size_t)snprintf(extra + len, sizeof extra - len, "; %d of %d trials with final %s > %g",
                                n_where, C->n_points, summary_quantity_name(c->where_quantity),
                                c->where_above);
    if (excluded && len < sizeof extra)
        snprintf(extra + len, sizeof extra - len, "; %d excluded: no rise", excluded);
    if (n > 0)
        snprintf(r->ours, sizeof r->ours, "t½ %s %.1f vs %s %.1f MM steps (n=%d%s)", fn, r->mean_a,
                 tn, r->mean_b, n, extra);
    else
        snprintf(r->ours, sizeof r->ours, "n=0%s", extra);
    if (n < 2) {
        if (!has_timecourse(t, c->first, C) || !has_timecourse(t, c->then, C)) {
            note(r, "the file has no time course of %s in this condition's finished trials",
                 has_timecourse(t, c->first, C) ? tn : fn);
            return;
        }
        if (c->where_quantity >= 0 && n_where < 2)
            note(r, "needs ≥ 2 finished trials with final %s > %g, has %d (of %d finished)",
                 summary_quantity_name(c->where_quantity), c->where_above, n_where, C->n_points);
        else
            note(r, "needs ≥ 2 trials where both %s and %s rise, has %d (%d excluded: no rise)", fn,
                 tn, n, excluded);
        return;
    }
    paired_verdict(c, r, d, n);
}

void summary_claim_check(const summary_claim *c, const summary_analysis *a,
                         summary_claim_result *r) {
    result_init(r);
    if (!a || !a->task) {
        note(r, "file has no /%s group", c->task);
        return;
    }
    const summary_task *t = a->task;
    if (t->task != c->task_def) {
        note(r, "the claim is about /%s, the analysis is of /%s", c->task, t->name);
        return;
    }
    const int want = c->targets ? c->targets : summary_paper_targets(t->task);
    if (summary_task_targets(t) != want) {
        note(r, "the claim is about %d targets; this /%s has %d (wm_bits, sep_sources)", want,
             t->name, summary_task_targets(t));
        return;
    }
    const int qs[] = {c->quantity, c->x, c->y, c->a_quantity, c->b_quantity, c->first, c->then,
                      c->where_quantity};
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++)
        if (quantity_missing(c, qs[i], r)) return;
    size_t P = (size_t)(t->n_points > 0 ? t->n_points : 1);
    double *buf = malloc(sizeof(double) * 3 * P);
    if (!buf) {
        note(r, "out of memory");
        return;
    }
    double *b1 = buf, *b2 = buf + P, *b3 = buf + 2 * P;
    if (c->kind == SUMMARY_CLAIM_GREATER || c->kind == SUMMARY_CLAIM_LESS ||
        c->kind == SUMMARY_CLAIM_NO_DIFFERENCE) {
        check_two_sample(c, a, r, b1, b2);
    } else {
        char why[512];
        int cond = select_condition(a, &c->condition, c->groups, why, sizeof why);
        if (cond < 0) {
            note(r, "%s", why);
        } else {
            switch (c->kind) {
            case SUMMARY_CLAIM_VALUE: check_value(c, a, cond, r, b1); break;
            case SUMMARY_CLAIM_RATE: check_rate(c, a, cond, r, b1); break;
            case SUMMARY_CLAIM_UNCORRELATED: check_uncorrelated(c, a, cond, r, b1, b2); break;
            case SUMMARY_CLAIM_PAIRED_GREATER: check_paired(c, a, cond, r, b1, b2, b3); break;
            case SUMMARY_CLAIM_EARLIER: check_earlier(c, a, cond, r, b1, b2, b3); break;
            default: note(r, "unknown kind"); break;
            }
        }
    }
    free(buf);
}

/* ---------------------------------------------------------------- printing */

static const char *verdict_word(summary_verdict v) {
    switch (v) {
    case SUMMARY_HOLDS: return "holds";
    case SUMMARY_FAILS: return "fails";
    case SUMMARY_INCONCLUSIVE: return "inconclusive";
    default: return "not testable";
    }
}

/* "holds", "fails (why)", "not testable: why" */
static void verdict_text(const summary_claim_result *r, char *buf, size_t n) {
    if (r->verdict == SUMMARY_NOT_TESTABLE) snprintf(buf, n, "not testable: %s", r->note);
    else if (r->note[0]) snprintf(buf, n, "%s (%s)", verdict_word(r->verdict), r->note);
    else snprintf(buf, n, "%s", verdict_word(r->verdict));
}

/* What is tested, compactly: "q_cor", "mi~task_loss", "q_cor>q_str", "q_cor->q_str". */
static void claim_quantity(const summary_claim *c, char *buf, size_t n) {
    const char *q[SQ_COUNT];
    for (int i = 0; i < SQ_COUNT; i++) q[i] = summary_quantity_name(i);
    switch (c->kind) {
    case SUMMARY_CLAIM_UNCORRELATED: snprintf(buf, n, "%s~%s", q[c->x], q[c->y]); break;
    case SUMMARY_CLAIM_PAIRED_GREATER: snprintf(buf, n, "%s>%s", q[c->a_quantity], q[c->b_quantity]); break;
    case SUMMARY_CLAIM_EARLIER: snprintf(buf, n, "%s->%s", q[c->first], q[c->then]); break;
    default: snprintf(buf, n, "%s", c->quantity >= 0 ? q[c->quantity] : ""); break;
    }
}

/* Display width of a UTF-8 string (code points). */
static int utf8_width(const char *s, size_t len) {
    int w = 0;
    for (size_t i = 0; i < len && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

#define TEXT_WIDTH 100
#define LABEL_INDENT 4
#define VALUE_COL 13

/* Words of s from column col on, wrapped at TEXT_WIDTH with continuation lines
 * indented by `indent`; ends the line. */
static void wrap(FILE *out, int col, int indent, const char *s) {
    int first = 1;
    while (*s) {
        while (*s == ' ') s++;
        if (!*s) break;
        const char *e = s;
        while (*e && *e != ' ') e++;
        int w = utf8_width(s, (size_t)(e - s));
        if (!first && col + 1 + w > TEXT_WIDTH) {
            fprintf(out, "\n%*s", indent, "");
            col = indent;
            first = 1;
        }
        if (!first) {
            fputc(' ', out);
            col++;
        }
        fwrite(s, 1, (size_t)(e - s), out);
        col += w;
        first = 0;
        s = e;
    }
    fputc('\n', out);
}

/* "    label    value…", the value wrapped at TEXT_WIDTH columns. */
static void text_field(FILE *out, const char *label, const char *value) {
    fprintf(out, "%*s%-*s", LABEL_INDENT, "", VALUE_COL - LABEL_INDENT, label);
    wrap(out, VALUE_COL, VALUE_COL, value);
}

static void md_cell(FILE *out, const char *s) {
    fputs(" ", out);
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", out);
        else if (*s == '\n') fputc(' ', out);
        else fputc(*s, out);
    }
    fputs(" |", out);
}

#define CSV_N 18
static const char *const csv_header[CSV_N] = {
    "id", "task", "kind", "quantity", "text", "paper", "ours", "test", "statistic", "df", "p",
    "alpha", "margin", "ci_lo", "ci_hi", "p_equiv", "verdict", "note",
};

void summary_claims_print(FILE *out, int n, const summary_claim *const *claims,
                          const summary_claim_result *res, summary_format fmt) {
    if (fmt == SUMMARY_CSV) {
        for (int i = 0; i < CSV_N; i++) summary_csv_field(out, csv_header[i], i == CSV_N - 1);
        for (int i = 0; i < n; i++) {
            const summary_claim *c = claims[i];
            const summary_claim_result *r = &res[i];
            char q[64], st[32], df[32], p[32], al[32], mg[32], lo[32], hi[32], pe[32];
            claim_quantity(c, q, sizeof q);
            summary_csv_stat(st, sizeof st, r->statistic);
            summary_csv_stat(df, sizeof df, r->df);
            summary_csv_stat(p, sizeof p, r->p);
            if (c->kind == SUMMARY_CLAIM_RATE) al[0] = '\0';
            else summary_csv_stat(al, sizeof al, c->alpha);
            summary_csv_stat(mg, sizeof mg, r->margin);
            summary_csv_stat(lo, sizeof lo, r->ci_lo);
            summary_csv_stat(hi, sizeof hi, r->ci_hi);
            summary_csv_stat(pe, sizeof pe, r->p_equiv);
            const char *f[CSV_N] = {c->id, c->task, summary_claim_kind_names[c->kind], q,
                                    c->text, c->paper, r->ours, r->test, st, df, p, al,
                                    mg, lo, hi, pe, verdict_word(r->verdict), r->note};
            for (int k = 0; k < CSV_N; k++) summary_csv_field(out, f[k], k == CSV_N - 1);
        }
        return;
    }
    if (fmt == SUMMARY_MARKDOWN) {
        fputs("| id | task | claim | paper | ours | test | verdict |\n", out);
        fputs("|---|---|---|---|---|---|---|\n", out);
        for (int i = 0; i < n; i++) {
            const summary_claim *c = claims[i];
            const summary_claim_result *r = &res[i];
            char claim[SUMMARY_CLAIM_TEXT_LEN + 96], q[64], v[700];
            claim_quantity(c, q, sizeof q);
            snprintf(claim, sizeof claim, "%s (%s %s)", c->text, summary_claim_kind_names[c->kind], q);
            verdict_text(r, v, sizeof v);
            fputs("|", out);
            md_cell(out, c->id);
            md_cell(out, c->task);
            md_cell(out, claim);
            md_cell(out, c->paper);
            md_cell(out, r->ours);
            md_cell(out, r->test);
            md_cell(out, v);
            fputs("\n", out);
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        const summary_claim *c = claims[i];
        const summary_claim_result *r = &res[i];
        char q[64], v[700], head[SUMMARY_CLAIM_TEXT_LEN + SUMMARY_NAME_LEN + 160];
        claim_quantity(c, q, sizeof q);
        snprintf(head, sizeof head, "%s [%s, %s %s] %s", c->id, c->task,
                 summary_claim_kind_names[c->kind], q, c->text);
        verdict_text(r, v, sizeof v);
        if (i) fputs("\n", out);
        wrap(out, 0, LABEL_INDENT, head);
        text_field(out, "paper", c->paper);
        text_field(out, "ours", r->ours);
        text_field(out, "test", r->test);
        text_field(out, "verdict", v);
    }
}

void summary_claims_count_line(char *buf, size_t size, int n, const summary_claim_result *res) {
    int h = 0, f = 0, inc = 0, nt = 0;
    for (int i = 0; i < n; i++) {
        if (res[i].verdict == SUMMARY_HOLDS) h++;
        else if (res[i].verdict == SUMMARY_FAILS) f++;
        else if (res[i].verdict == SUMMARY_INCONCLUSIVE) inc++;
        else nt++;
    }
    snprintf(buf, size, "claims: %d hold, %d fail, %d inconclusive, %d not testable", h, f, inc,
             nt);
}

/* ---------------------------------------------------------- the paper column */

const summary_claims *summary_paper_claims(mimod_err *err) {
    static summary_claims built_in;
    static int parsed;
    if (!parsed) {
        if (summary_claims_parse("sweeps/paper_claims.yaml (built in)", summary_paper_claims_yaml,
                                 &built_in, err))
            return NULL;
        parsed = 1;
    }
    return &built_in;
}

/* "MI + L2", "MI, no L2", "MI", "no MI": the paper's name of a condition. */
static void paper_condition_name(const summary_selector *s, char *buf, size_t n) {
    snprintf(buf, n, "%s", s->mi == 0 ? "no MI"
                           : s->l2 == 1 ? "MI + L2"
                           : s->l2 == 0 ? "MI, no L2" : "MI");
}

/* Whether condition C (λ_I li, λ_reg lr; NaN: unknown, not held against it)
 * meets selector s, where an open l2 means the paper's λ_reg. */
static int paper_selector_met(const summary_selector *s, double li, double lr, double paper_lr) {
    if (!lambda_matches(s->mi, li)) return 0;
    if (isnan(lr)) return 1;
    if (s->l2 >= 0 ? !lambda_matches(s->l2, lr) : !summary_same_value(lr, paper_lr)) return 0;
    return isnan(s->lambda_reg) || summary_same_value(lr, s->lambda_reg);
}

void summary_claims_paper_columns(const summary_claims *cs, summary_analysis *a) {
    const summary_task *t = a->task;
    for (int c = 0; c < a->n_conditions; c++) {
        summary_condition *C = &a->conditions[c];
        C->paper_name[0] = '\0';
        for (int q = 0; q <= SUMMARY_PAPER_PEARSON; q++) C->paper[q][0] = '\0';
    }
    mimod_config paper;
    if (!cs || strcmp(t->preset, "paper") != 0 || config_preset(&paper, "paper", t->task, NULL) ||
        summary_task_targets(t) != summary_paper_targets(t->task))
        return;
    for (int c = 0; c < a->n_conditions; c++) {
        summary_condition *C = &a->conditions[c];
        const double li = C->lambda_I, lr = C->lambda_reg;
        if (!(summary_same_value(li, 0.0) || summary_same_value(li, paper.lambda_I))) continue;
        if (!(isnan(lr) || summary_same_value(lr, 0.0) || summary_same_value(lr, paper.lambda_reg)))
            continue;
        const char *rate[SQ_COUNT] = {NULL};
        for (int i = 0; i < cs->n; i++) {
            const summary_claim *k = &cs->claims[i];
            const int value = k->kind == SUMMARY_CLAIM_VALUE, is_rate = k->kind == SUMMARY_CLAIM_RATE;
            const int r = k->kind == SUMMARY_CLAIM_UNCORRELATED &&
                          ((k->x == SQ_MI && k->y == SQ_TASK_LOSS) ||
                           (k->x == SQ_TASK_LOSS && k->y == SQ_MI));
            if (k->task_def != t->task || k->groups != C->n_groups || k->targets != 0 ||
                !(value || is_rate || r) ||
                !paper_selector_met(&k->condition, li, lr, paper.lambda_reg))
                continue;
            if (!C->paper_name[0]) paper_condition_name(&k->condition, C->paper_name, sizeof C->paper_name);
            char *cell = r ? C->paper[SUMMARY_PAPER_PEARSON] : C->paper[k->quantity];
            if (is_rate) rate[k->quantity] = k->paper;
            else if (!cell[0]) snprintf(cell, SUMMARY_PAPER_LEN, "%.*s", SUMMARY_PAPER_LEN - 1, k->paper);
        }
        /* a rate beside the value ("0.114 ± 0.049 (10/20 above 0.1)"), or alone */
        for (int q = 0; q < SQ_COUNT; q++) {
            if (!rate[q]) continue;
            size_t used = strlen(C->paper[q]);
            if (used) snprintf(C->paper[q] + used, SUMMARY_PAPER_LEN - used, " (%.*s)",
                               SUMMARY_PAPER_LEN - 1, rate[q]);
            else snprintf(C->paper[q], SUMMARY_PAPER_LEN, "%.*s", SUMMARY_PAPER_LEN - 1, rate[q]);
        }
    }
}
