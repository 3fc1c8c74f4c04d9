/* Incidents (see incident.h). */
#include "incident.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/arena.h"
#include "../lib/xmalloc.h"
#include "../lib/ydoc.h"
#include "../sigma/sigma.h"

extern const char vg_default_rsit[];
extern const size_t vg_default_rsit_len;

struct rsit {
	char *tag, *cls, *type;
};

struct vg_incidents {
	int64_t window;
	struct rsit *map;
	size_t n;
};

struct vg_incidents *vg_incidents_new(int64_t window, const char *rsit,
				      char *err, size_t errlen)
{
	struct vg_incidents *x = xcalloc(1, sizeof(*x));
	const char *text = vg_default_rsit, *name = "built-in RSIT mapping";
	size_t len = vg_default_rsit_len;
	char *buf = NULL;
	struct vg_arena *a = vg_arena_new(64u << 10, 16u << 20);
	struct ynode **docs;
	size_t nd;
	char why[256];

	x->window = window;
	if (rsit != NULL) {
		FILE *f = fopen(rsit, "rb");
		if (f == NULL) {
			snprintf(err, errlen, "%s: cannot open", rsit);
			goto fail;
		}
		buf = xmalloc(1u << 20);
		len = fread(buf, 1, (1u << 20) - 1, f);
		fclose(f);
		text = buf;
		name = rsit;
	}
	if (ydoc_parse(a, text, len, &docs, &nd, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "%s: %s", name, why);
		goto fail;
	}
	if (nd != 1 || docs[0]->kind != Y_SEQ) {
		snprintf(err, errlen, "%s: a list of {tag, class, type}", name);
		goto fail;
	}
	x->map = xcalloc(docs[0]->n + 1, sizeof(*x->map));
	for (size_t i = 0; i < docs[0]->n; i++) {
		const struct ynode *e = docs[0]->item[i];
		const struct ynode *t = ymap_get(e, "tag"), *c = ymap_get(e, "class"),
				   *y = ymap_get(e, "type");
		if (t == NULL || c == NULL || y == NULL || t->kind != Y_SCALAR ||
		    c->kind != Y_SCALAR || y->kind != Y_SCALAR) {
			snprintf(err, errlen, "%s:%u: an entry needs tag, class "
					      "and type",
				 name, e->line);
			goto fail;
		}
		x->map[x->n++] = (struct rsit){xstrdup(t->s), xstrdup(c->s),
					       xstrdup(y->s)};
	}
	vg_arena_free(a);
	free(buf);
	return x;
fail:
	vg_arena_free(a);
	free(buf);
	vg_incidents_free(x);
	return NULL;
}

void vg_incidents_free(struct vg_incidents *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->n; i++) {
		free(x->map[i].tag);
		free(x->map[i].cls);
		free(x->map[i].type);
	}
	free(x->map);
	free(x);
}

void vg_incidents_rsit(const struct vg_incidents *x, const char *const *tags,
		       size_t ntags, const char **cls, const char **type)
{
	*cls = "other";
	*type = "undetermined";
	for (size_t i = 0; i < x->n; i++) {
		bool any = strcmp(x->map[i].tag, "*") == 0;
		for (size_t k = 0; !any && k < ntags; k++)
			any = fnmatch(x->map[i].tag, tags[k], 0) == 0;
		if (any) {
			*cls = x->map[i].cls;
			*type = x->map[i].type;
			return;
		}
	}
}

int64_t vg_incidents_file(struct vg_incidents *x, struct vg_store *s,
			  int64_t alert_id, const struct vg_alert *a,
			  const char *const *tags, size_t ntags)
{
	const char *kinds[3] = {"ip", "user", "host"};
	const char *vals[3] = {a->src_ip, a->user, a->host};
	int64_t id = 0;
	char title[512], line[600];

	/* The strongest entity the alert names decides: the address, else
	 * the user, else the host (on one server every alert shares the
	 * host, which would make one incident of everything). */
	for (int k = 0; k < 3; k++) {
		if (vals[k] == NULL || vals[k][0] == '\0')
			continue;
		id = vg_store_find_incident(s, kinds[k], vals[k],
					    a->ts - x->window);
		if (id < 0)
			return -1;
		break;
	}
	if (id == 0 && !(vals[0] || vals[1] || vals[2])) {
		id = vg_store_find_incident(s, "rule", a->rule_title,
					    a->ts - x->window);
		if (id < 0)
			return -1;
	}
	if (id == 0) {
		const char *cls, *type, *entity = NULL, *kind = "rule";
		for (int k = 0; k < 3 && entity == NULL; k++)
			if (vals[k] && vals[k][0])
				entity = vals[k], kind = kinds[k];
		vg_incidents_rsit(x, tags, ntags, &cls, &type);
		snprintf(title, sizeof(title), "%s%s%s", a->rule_title,
			 entity ? " — " : "", entity ? entity : "");
		id = vg_store_new_incident(s, title, a->level, cls, type, a->ts,
					   entity);
		if (id < 0 ||
		    (entity == NULL &&
		     vg_store_add_observable(s, id, kind, a->rule_title) != 0))
			return -1;
		(void)kind;
		snprintf(line, sizeof(line), "opened: %s/%s, severity %s", cls,
			 type, vg_level_name((enum vg_level)a->level));
		if (vg_store_add_timeline(s, id, a->ts, "status", line) != 0)
			return -1;
	} else if (vg_store_touch_incident(s, id, a->level, a->ts) != 0) {
		return -1;
	}
	for (int k = 0; k < 3; k++)
		if (vals[k] && vals[k][0] &&
		    vg_store_add_observable(s, id, kinds[k], vals[k]) != 0)
			return -1;
	snprintf(line, sizeof(line), "%s (%s)%s%s", a->rule_title,
		 vg_level_name((enum vg_level)a->level),
		 a->group && a->group[0] ? ": " : "",
		 a->group && a->group[0] ? a->group : "");
	if (vg_store_add_timeline(s, id, a->ts, "alert", line) != 0 ||
	    vg_store_link_alert(s, alert_id, id) != 0)
		return -1;
	return id;
}
