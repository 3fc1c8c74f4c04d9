/* YAML document tree (see ydoc.h). */
#include "ydoc.h"

#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"

struct frame {
	struct ynode *n;
	size_t cap;
	struct ynode *pending_key; /* map: a key read, its value not yet */
};

struct builder {
	struct vg_arena *a;
	struct frame st[YDOC_MAXDEPTH + 1];
	int depth;
	size_t nodes;
	struct ynode **docs;
	size_t ndocs, capdocs;
	char *err;
	size_t errlen;
};

static int fail(struct builder *b, size_t line, const char *why)
{
	snprintf(b->err, b->errlen, "line %zu: %s", line, why);
	return -1;
}

static int push_child(struct builder *b, struct ynode *c)
{
	struct frame *f;

	if (b->depth == 0) {
		if (b->ndocs == b->capdocs) {
			size_t nc = b->capdocs ? b->capdocs * 2 : 4;
			struct ynode **d = vg_arena_alloc(b->a, nc * sizeof(*d));
			if (d == NULL)
				return fail(b, c->line, "out of memory");
			if (b->ndocs)
				memcpy(d, b->docs, b->ndocs * sizeof(*d));
			b->docs = d;
			b->capdocs = nc;
		}
		if (b->ndocs >= YDOC_MAXDOCS)
			return fail(b, c->line, "too many documents");
		b->docs[b->ndocs++] = c;
		return 0;
	}
	f = &b->st[b->depth];
	if (f->n->kind == Y_MAP && f->pending_key == NULL) {
		if (c->kind != Y_SCALAR)
			return fail(b, c->line, "a mapping key must be a scalar");
		f->pending_key = c;
		return 0;
	}
	if (f->n->n == f->cap) {
		size_t nc = f->cap ? f->cap * 2 : 4;
		struct ynode **it = vg_arena_alloc(b->a, nc * sizeof(*it));
		struct ynode **ks = NULL;
		if (it == NULL)
			return fail(b, c->line, "out of memory");
		if (f->n->kind == Y_MAP) {
			ks = vg_arena_alloc(b->a, nc * sizeof(*ks));
			if (ks == NULL)
				return fail(b, c->line, "out of memory");
			if (f->n->n)
				memcpy(ks, f->n->key, f->n->n * sizeof(*ks));
			f->n->key = ks;
		}
		if (f->n->n)
			memcpy(it, f->n->item, f->n->n * sizeof(*it));
		f->n->item = it;
		f->cap = nc;
	}
	if (f->n->kind == Y_MAP) {
		for (size_t i = 0; i < f->n->n; i++)
			if (strcmp(f->n->key[i]->s, f->pending_key->s) == 0)
				return fail(b, f->pending_key->line,
					    "duplicate key in a mapping");
		f->n->key[f->n->n] = f->pending_key;
		f->pending_key = NULL;
	}
	f->n->item[f->n->n++] = c;
	return 0;
}

static struct ynode *node(struct builder *b, enum ynode_kind k, size_t line)
{
	struct ynode *n;

	if (++b->nodes > YDOC_MAXNODES) {
		fail(b, line, "too many nodes");
		return NULL;
	}
	n = vg_arena_alloc(b->a, sizeof(*n));
	if (n == NULL) {
		fail(b, line, "out of memory");
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->line = (uint32_t)line;
	return n;
}

int ydoc_parse(struct vg_arena *a, const char *buf, size_t len,
	       struct ynode ***docs, size_t *ndocs, char *err, size_t errlen)
{
	struct builder b = {.a = a, .err = err, .errlen = errlen};
	yaml_parser_t p;
	yaml_event_t ev;
	int rc = 0, done = 0;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errlen, "line 1: out of memory");
		return -1;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done && rc == 0) {
		size_t line;
		struct ynode *n;

		if (!yaml_parser_parse(&p, &ev)) {
			snprintf(err, errlen, "line %zu: %s",
				 p.problem_mark.line + 1,
				 p.problem ? p.problem : "invalid YAML");
			rc = -1;
			break;
		}
		line = ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			rc = fail(&b, line, "YAML aliases are not supported");
			break;
		case YAML_SCALAR_EVENT:
			n = node(&b, Y_SCALAR, line);
			if (n == NULL) {
				rc = -1;
				break;
			}
			n->s = vg_arena_dup(a, ev.data.scalar.value,
					    ev.data.scalar.length + 1);
			if (n->s == NULL) {
				rc = fail(&b, line, "out of memory");
				break;
			}
			n->len = ev.data.scalar.length;
			n->plain = ev.data.scalar.style ==
					   YAML_PLAIN_SCALAR_STYLE &&
				   ev.data.scalar.tag == NULL;
			rc = push_child(&b, n);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (b.depth >= YDOC_MAXDEPTH) {
				rc = fail(&b, line, "nesting too deep");
				break;
			}
			n = node(&b,
				 ev.type == YAML_SEQUENCE_START_EVENT ? Y_SEQ
								      : Y_MAP,
				 line);
			if (n == NULL || push_child(&b, n) != 0) {
				rc = -1;
				break;
			}
			b.depth++;
			b.st[b.depth] = (struct frame){.n = n};
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			b.depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc != 0)
		return -1;
	*docs = b.docs;
	*ndocs = b.ndocs;
	return 0;
}

const struct ynode *ymap_get(const struct ynode *m, const char *k)
{
	if (m == NULL || m->kind != Y_MAP)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->key[i]->s, k) == 0)
			return m->item[i];
	return NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	if (n == NULL)
		return true;
	if (n->kind != Y_SCALAR || !n->plain)
		return false;
	return n->len == 0 || strcmp(n->s, "~") == 0 ||
	       strcmp(n->s, "null") == 0 || strcmp(n->s, "Null") == 0 ||
	       strcmp(n->s, "NULL") == 0;
}
