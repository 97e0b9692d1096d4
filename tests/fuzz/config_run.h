/* config_run.h - the body of fuzz_ldirectord.c and fuzz_keepalived.c:
 * parse the input as a configuration file with the public entry point of
 * one format, check the parser's contract (an error leaves no model and
 * says why; a model has a service for every key it can be asked for),
 * then apply every service to an empty table three times with different
 * health (all down, all up, every other real up) and remove them again,
 * as the checker does on start, recovery and shutdown. */
#ifndef LVS_FUZZ_CONFIG_RUN_H
#define LVS_FUZZ_CONFIG_RUN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/apply.h"
#include "config/config.h"
#include "core/table.h"
#include "lib/strbuf.h"

typedef int (*config_parse_fn)(const char *name, const char *text, struct cfg **out,
			       struct strbuf *err, struct strbuf *warn);

static void config_quiet(void *arg, int prio, const char *msg)
{
	(void)arg;
	(void)prio;
	(void)msg;
}

static void config_apply(const struct cfg *c)
{
	struct lvs_table *t = lvs_table_new();
	int *sorry = calloc(c->nsvcs + 1, sizeof(*sorry));

	if (!t || !sorry)
		goto out;
	for (size_t i = 0; i < c->nsvcs; i++)
		sorry[i] = -1;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < c->nsvcs; i++) {
			const struct cfg_service *cs = &c->svcs[i];
			uint8_t *up = calloc(cs->nreals + 1, 1);

			if (!up)
				continue;
			for (size_t k = 0; k < cs->nreals; k++)
				up[k] = round == 1 || (round == 2 && k % 2 == 0);
			cfg_sync_service(t, cs, up, &sorry[i], config_quiet, NULL);
			free(up);
		}
	}
	for (size_t i = 0; i < c->nsvcs; i++)
		cfg_remove_service(t, &c->svcs[i], config_quiet, NULL);
	if (lvs_svc_count(t)) {
		fprintf(stderr, "config: %zu services left after removing all\n", lvs_svc_count(t));
		abort();
	}
out:
	free(sorry);
	if (t)
		lvs_table_free(t);
}

static int config_run(config_parse_fn parse, const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg *c = (struct cfg *)1;
	char *text = malloc(size + 1);
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cfg_detect(text);
	rc = parse("fuzz.cf", text, &c, &err, &warn);
	if (rc && (c || !err.len)) {
		fprintf(stderr, "config: failed (%d) but model %p, error \"%s\"\n", rc, (void *)c,
			err.buf ? err.buf : "");
		abort();
	}
	if (!rc && !c) {
		fprintf(stderr, "config: succeeded without a model\n");
		abort();
	}
	if (c) {
		for (size_t i = 0; i < c->nsvcs; i++) {
			int j = cfg_find_service(c, &c->svcs[i].s);

			if (j < 0 || (size_t)j > i) {
				fprintf(stderr, "config: service %zu found at %d\n", i, j);
				abort();
			}
		}
		config_apply(c);
		cfg_free(c);
	}
	sb_free(&err);
	sb_free(&warn);
	free(text);
	return 0;
}

#endif
