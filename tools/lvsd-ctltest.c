/* lvsd-ctltest - drives lvsd's control socket through libctl for the
 * control-plane tests and benchmarks (tests/ctl/).
 *
 *   lvsd-ctltest writer ID N        add service 10.ID.0.1:80 (may exist) and
 *                                   N dests 10.ID.x.y:80 one request each
 *   lvsd-ctltest fill NSVC NDEST    batch-add NSVC tcp services 10.x.y.z:80
 *                                   with NDEST dests each
 *   lvsd-ctltest dump               lvsc_get_services; prints
 *                                   "services S dests D ms T"
 *   lvsd-ctltest count              prints "services S dests D"
 *   lvsd-ctltest text NAME          prints a text view
 *   lvsd-ctltest info               prints version, size, services
 *
 * Uses $LVSD_SOCKET.  Exit status 0 on success, 1 on any error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ctl/client.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct lvs_service_conf svc_conf(uint32_t ip_host)
{
	struct lvs_service_conf s;
	memset(&s, 0, sizeof(s));
	s.af = AF_INET;
	s.protocol = IPPROTO_TCP;
	s.addr.ip = htonl(ip_host);
	s.port = 80;
	strcpy(s.sched_name, "wlc");
	s.netmask = 0xffffffff;
	return s;
}

static struct lvs_dest_conf dest_conf(uint32_t ip_host)
{
	struct lvs_dest_conf d;
	memset(&d, 0, sizeof(d));
	d.af = AF_INET;
	d.addr.ip = htonl(ip_host);
	d.port = 80;
	d.conn_flags = LVS_CONN_F_MASQ;
	d.weight = 1;
	return d;
}

static int batch_errors;
static void batch_cb(size_t i, int err, void *arg)
{
	(void)arg;
	if (err && batch_errors++ < 5)
		fprintf(stderr, "batch item %zu: %s\n", i, strerror(-err));
}

static int count(struct lvsc *c, size_t *nsvc, size_t *ndest)
{
	struct lvs_service_entry *v;
	size_t n;
	int err = lvsc_get_services(c, &v, &n);
	if (err)
		return err;
	*nsvc = n;
	*ndest = 0;
	for (size_t i = 0; i < n; i++)
		*ndest += v[i].num_dests;
	lvsc_free_services(v, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: lvsd-ctltest writer ID N | fill NSVC NDEST | dump | count | text NAME | info\n");
		return 2;
	}
	struct lvsc *c;
	int err = lvsc_open(NULL, &c);
	if (err) {
		fprintf(stderr, "connect %s: %s\n", lvsc_socket_path(NULL), strerror(-err));
		return 1;
	}
	const char *mode = argv[1];
	int rc = 0;

	if (!strcmp(mode, "writer") && argc == 4) {
		unsigned id = (unsigned)atoi(argv[2]), n = (unsigned)atoi(argv[3]);
		struct lvs_service_conf s = svc_conf(0x0a000001u | (id & 0xff) << 16);
		err = lvsc_add_service(c, &s);
		if (err && err != -EEXIST) {
			fprintf(stderr, "add service: %s\n", strerror(-err));
			rc = 1;
		}
		for (unsigned i = 0; i < n && !rc; i++) {
			struct lvs_dest_conf d = dest_conf(0x0a000000u | (id & 0xff) << 16 | (i + 2));
			err = lvsc_add_dest(c, &s, &d);
			if (err) {
				fprintf(stderr, "writer %u add dest %u: %s\n", id, i, strerror(-err));
				rc = 1;
			}
		}
	} else if (!strcmp(mode, "fill") && argc == 4) {
		unsigned nsvc = (unsigned)atoi(argv[2]), ndest = (unsigned)atoi(argv[3]);
		lvsc_batch_begin(c);
		for (unsigned i = 0; i < nsvc; i++) {
			struct lvs_service_conf s = svc_conf(0x0b000000u + i);
			lvsc_add_service(c, &s);
			for (unsigned j = 0; j < ndest; j++) {
				struct lvs_dest_conf d = dest_conf(0x0c000000u + j);
				lvsc_add_dest(c, &s, &d);
			}
		}
		err = lvsc_batch_flush(c, batch_cb, NULL);
		if (err || batch_errors) {
			fprintf(stderr, "fill: %s, %d item errors\n", strerror(-err), batch_errors);
			rc = 1;
		}
	} else if (!strcmp(mode, "dump") && argc == 2) {
		size_t ns, nd;
		double t0 = now_ms();
		err = count(c, &ns, &nd);
		double t1 = now_ms();
		if (err) {
			fprintf(stderr, "dump: %s\n", strerror(-err));
			rc = 1;
		} else {
			printf("services %zu dests %zu ms %.1f\n", ns, nd, t1 - t0);
		}
	} else if (!strcmp(mode, "count") && argc == 2) {
		size_t ns, nd;
		err = count(c, &ns, &nd);
		if (err) {
			fprintf(stderr, "count: %s\n", strerror(-err));
			rc = 1;
		} else {
			printf("services %zu dests %zu\n", ns, nd);
		}
	} else if (!strcmp(mode, "text") && argc == 3) {
		char *t = NULL;
		err = lvsc_get_text(c, argv[2], &t);
		if (t)
			fputs(t, stdout);
		free(t);
		if (err < 0) {
			fprintf(stderr, "text %s: %s\n", argv[2], strerror(-err));
			rc = 1;
		}
	} else if (!strcmp(mode, "info") && argc == 2) {
		struct lvs_info in;
		err = lvsc_get_info(c, &in);
		if (err) {
			fprintf(stderr, "info: %s\n", strerror(-err));
			rc = 1;
		} else {
			printf("version 0x%06x size %u services %u\n", in.version, in.conn_tab_size, in.num_services);
		}
	} else {
		fprintf(stderr, "bad arguments\n");
		rc = 2;
	}
	lvsc_close(c);
	return rc;
}
