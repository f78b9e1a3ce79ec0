/* yaml_doc.c — the YAML document helpers of yaml_doc.h. */
#include "mimod/yaml_doc.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ydoc_where(const yaml_doc *x, const yaml_node_t *n, char *buf, size_t cap) {
    snprintf(buf, cap, "%s:%zu:%zu", x->file, n->start_mark.line + 1, n->start_mark.column + 1);
}

int ydoc_fail_at(const yaml_doc *x, const yaml_node_t *n, const char *fmt, ...) {
    char where[PATH_MAX + 64], msg[800];
    ydoc_where(x, n, where, sizeof where);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mimod_errf(x->err, MIMOD_EINVAL, "%s: %s", where, msg);
}

const char *ydoc_scalar(const yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

const char *ydoc_type_name(const yaml_node_t *n) {
    if (n->type == YAML_SCALAR_NODE)
        return n->data.scalar.length == 0 && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                   ? "an empty value"
                   : "a single value";
    return n->type == YAML_SEQUENCE_NODE ? "a list" : "a mapping";
}

yaml_node_t *ydoc_node(const yaml_doc *x, int id) { return yaml_document_get_node(x->doc, id); }

yaml_node_t *ydoc_map_get(const yaml_doc *x, const yaml_node_t *map, const char *key) {
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *k = ydoc_scalar(ydoc_node(x, p->key));
        if (k && strcmp(k, key) == 0) return ydoc_node(x, p->value);
    }
    return NULL;
}
