/* yaml_doc.h — reading a user's YAML document with libyaml's document API,
 * every message at FILE:LINE:COLUMN: the helpers the sweep files
 * (src/io/sweep_def.c) and the claims files (src/summary/summary_claims.c)
 * share. */
#ifndef MIMOD_YAML_DOC_H
#define MIMOD_YAML_DOC_H

#include <stddef.h>
#include <yaml.h>
#include "mimod/common.h"

typedef struct {
    const char *file;     /* the name messages give */
    yaml_document_t *doc;
    mimod_err *err;       /* where failures go */
} yaml_doc;

/* MIMOD_EINVAL with "FILE:LINE:COLUMN: <message>" at node n. */
int ydoc_fail_at(const yaml_doc *x, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* "FILE:LINE:COLUMN" of node n into buf. */
void ydoc_where(const yaml_doc *x, const yaml_node_t *n, char *buf, size_t cap);
/* The text of a scalar node; NULL for any other node (or none). */
const char *ydoc_scalar(const yaml_node_t *n);
/* What a node is, for "expected …, got <it>": "an empty value", "a single
 * value", "a list", "a mapping". */
const char *ydoc_type_name(const yaml_node_t *n);
/* Node by id. */
yaml_node_t *ydoc_node(const yaml_doc *x, int id);
/* The value of `key` in a mapping node (NULL if absent, or not a mapping). */
yaml_node_t *ydoc_map_get(const yaml_doc *x, const yaml_node_t *map, const char *key);

#endif
