/* fuzz_sync.c - a received connection-sync datagram through the backup's
 * path: sync_msg_parse() (versions 0 and 1), each delivered entry
 * imported with lvs_conn_import() into a core over the lab table (lab.h)
 * exactly as syncd.c does (v0 entries get the table's timeout for their
 * state), then the /proc views of the result, and the master's side:
 * every imported entry is exported, encoded with sync_msg_add() and must
 * parse back, entry for entry.
 *
 * Input: byte 0 is the backup's sync id (the low byte of a
 * "--syncid" value), the rest is the UDP payload.  After each input the
 * connection table is flushed (lab.h); the clock moves forward. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/conn.h"
#include "core/pkt.h"
#include "core/table.h"
#include "lib/strbuf.h"
#include "sync/wire.h"
#include "lab.h"

static struct lvs_core *core;
static uint64_t now = 5000000;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	core = fuzz_lab_core(512);
	return 0;
}

struct import {
	uint64_t now;
	unsigned delivered;
};

static void deliver(void *arg, const struct lvs_conn_sync *e, int v0)
{
	struct import *im = arg;
	struct lvs_conn_sync c = *e;

	im->delivered++;
	if (v0)
		c.timeout = lvs_core_state_timeout(core, c.protocol, (uint8_t)c.state,
						   (c.flags & LVS_CONN_F_TEMPLATE) != 0);
	lvs_conn_import(core, &c, im->now);
}

struct resend {
	struct sync_msg m;
	uint8_t buf[1500];
	unsigned sent, parsed;
};

static void count(void *arg, const struct lvs_conn_sync *e, int v0)
{
	(void)e;
	(void)v0;
	(*(unsigned *)arg)++;
}

static void resend_flush(struct resend *r)
{
	size_t len = sync_msg_finish(&r->m);
	unsigned got = 0;

	if (len && (sync_msg_parse(r->buf, len, 9, count, &got, NULL) || got != r->m.nr)) {
		fprintf(stderr, "fuzz_sync: %u entries sent, %u parsed back\n", r->m.nr, got);
		abort();
	}
	r->parsed += got;
	sync_msg_init(&r->m, r->buf, sizeof(r->buf), 9);
}

static int resend_one(void *arg, const struct lvs_conn_sync *e)
{
	struct resend *r = arg;
	int rc = sync_msg_add(&r->m, e);

	if (rc == -ENOSPC) {
		resend_flush(r);
		rc = sync_msg_add(&r->m, e);
	}
	if (rc == 0)
		r->sent++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct import im = { .now = now };
	struct sync_parse_counts pc;
	struct strbuf sb = STRBUF_INIT;
	struct resend *r;

	if (size < 1)
		return 0;
	memset(&pc, 0, sizeof(pc));
	if (sync_msg_parse(data + 1, size - 1, data[0], deliver, &im, &pc) < 0 && im.delivered) {
		fprintf(stderr, "fuzz_sync: a rejected message delivered %u entries\n", im.delivered);
		abort();
	}
	if (im.delivered && pc.delivered != im.delivered) {
		fprintf(stderr, "fuzz_sync: counted %u delivered, %u were\n", pc.delivered, im.delivered);
		abort();
	}
	lvs_core_conn_proc(core, &sb, im.now + 1000);
	lvs_core_conn_sync_proc(core, &sb, im.now + 1000);
	sb_free(&sb);

	r = malloc(sizeof(*r));
	if (r) {
		sync_msg_init(&r->m, r->buf, sizeof(r->buf), 9);
		r->sent = r->parsed = 0;
		lvs_core_conn_foreach(core, im.now + 1000, resend_one, r);
		resend_flush(r);
		if (r->parsed != r->sent) {
			fprintf(stderr, "fuzz_sync: %u entries re-sent, %u parsed back\n", r->sent, r->parsed);
			abort();
		}
		free(r);
	}
	now += 3600000;
	lvs_core_tick(core, now);
	lvs_core_conn_flush(core);
	return 0;
}
