/* conftest.c - `lvsd -t -c FILE`: check a configuration without touching
 * a running daemon (no socket, no lock, no datapath, no namespace): parse
 * it, then build its services in a scratch table, which refuses what the
 * kernel would refuse (a scheduler it does not know, a bad persistence
 * netmask, ...).  Exit status, as keepalived -t: 0 valid, 1 invalid (the
 * first error as "file:line: message" on stderr), 3 the file cannot be
 * read or memory ran out; 2 stays the usage error of the options. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "daemon.h"
#include "config/apply.h"
#include "config/config.h"

/* the services of c in a scratch table, every real server up: 0, or 1
 * with the message printed */
static int build(const struct cfg *c)
{
	struct lvs_table *t = lvs_table_new();
	int ret = 0;

	if (!t) {
		fprintf(stderr, "lvsd: out of memory\n");
		return 3;
	}
	for (size_t i = 0; i < c->nsvcs && !ret; i++) {
		const struct cfg_service *cs = &c->svcs[i];
		uint8_t *up = malloc(cs->nreals ? cs->nreals : 1);
		int sorry = -1;

		if (!up) {
			fprintf(stderr, "lvsd: out of memory\n");
			ret = 3;
			break;
		}
		memset(up, 1, cs->nreals ? cs->nreals : 1);
		int err = cfg_sync_service(t, cs, up, &sorry, NULL, NULL);
		if (err == -ENOENT)     /* the table's word for an unknown scheduler or engine */
			fprintf(stderr, "%s:%d: virtual service %s: unknown scheduler '%s'%s%s%s\n", c->path,
				cs->line, cs->name, cs->s.sched_name, cs->s.pe_name[0] ? " or persistence engine '" : "",
				cs->s.pe_name, cs->s.pe_name[0] ? "'" : "");
		else if (err < 0)
			fprintf(stderr, "%s:%d: virtual service %s: %s\n", c->path, cs->line, cs->name,
				strerror(-err));
		if (err < 0)
			ret = 1;
		free(up);
	}
	lvs_table_free(t);
	return ret;
}

int lvsd_config_test(const char *path)
{
	struct strbuf err = STRBUF_INIT, warn = STRBUF_INIT;
	struct cfg *c = NULL;
	int ret;

	if (!path) {
		printf("lvsd: options ok; no configuration file (-c FILE) to test\n");
		return 0;
	}
	int e = cfg_parse_file(path, CFG_FMT_AUTO, &c, &err, &warn);
	if (warn.buf)
		fputs(warn.buf, stderr);
	if (e < 0) {
		fprintf(stderr, "%s\n", err.buf ? err.buf : "parse error");
		ret = e == -EINVAL ? 1 : 3;
		goto out;
	}
	ret = build(c);
	if (!ret) {
		size_t nreal = 0;

		for (size_t i = 0; i < c->nsvcs; i++)
			nreal += c->svcs[i].nreals;
		printf("%s: configuration ok (%s, %zu virtual service%s, %zu real server%s)\n", c->path,
		       c->format == CFG_FMT_KEEPALIVED ? "keepalived.conf" : "ldirectord.cf", c->nsvcs,
		       c->nsvcs == 1 ? "" : "s", nreal, nreal == 1 ? "" : "s");
	}
out:
	if (c)
		cfg_free(c);
	sb_free(&err);
	sb_free(&warn);
	return ret;
}
