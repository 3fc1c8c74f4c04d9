/* A YAML document as a small tree, read with libyaml's event parser into
 * an arena. Bounded: nesting depth, node count and input size. Aliases
 * are refused (no rule needs them, and expanding them is the classic
 * way to make a small file huge). Every node keeps its line. */
#ifndef VG_YDOC_H
#define VG_YDOC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vg_arena;

enum ynode_kind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
	enum ynode_kind kind;
	uint32_t line; /* 1-based */
	bool plain;    /* scalar written without quotes (so null/true/1
			* keep their YAML meaning) */
	const char *s; /* scalar text, NUL-terminated */
	size_t len;
	/* Y_SEQ: item[0..n); Y_MAP: key[i] (scalars) → item[i] */
	struct ynode **item, **key;
	size_t n;
};

#define YDOC_MAXDEPTH 64
#define YDOC_MAXNODES 200000
#define YDOC_MAXDOCS 4096

/* Parses every document of buf[0..len). Sets *docs to an arena array of
 * *ndocs roots (a document that is empty gives no root). Returns 0, or -1
 * with "line N: reason" in err. */
int ydoc_parse(struct vg_arena *a, const char *buf, size_t len,
	       struct ynode ***docs, size_t *ndocs, char *err, size_t errlen);

/* The value of key k in map m, or NULL (also when m is not a map). */
const struct ynode *ymap_get(const struct ynode *m, const char *k);

/* A plain scalar YAML reads as null: "null", "Null", "NULL", "~" or empty. */
bool ynode_is_null(const struct ynode *n);

#endif
