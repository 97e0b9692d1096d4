/* fuzz_dns.c - a DNS reply judged by the DNS health check
 * (dns_check_reply), plus the name side: query building and reverse names.
 *
 * Byte 0, bit 7 clear: the rest is a UDP reply to the query selected by
 * byte 0: bits 0-2 the type (A NS CNAME SOA PTR MX TXT AAAA), bits 3-4 the
 * name, bits 5-6 the `receive` regex (none or one of three).  The query's
 * id is 0x1234 (the probe sets a fresh one per run).  The verdict must be
 * -EINVAL (not a reply to it), or 0 / 1 with a NUL-terminated message.
 * Bit 7 set: the rest is a name for dns_build_query() (every type) and an
 * address for dns_reverse_name(). */
#include <errno.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/dns.h"

static const uint16_t types[8] = {
	DNS_T_A, DNS_T_NS, DNS_T_CNAME, DNS_T_SOA, DNS_T_PTR, DNS_T_MX, DNS_T_TXT, DNS_T_AAAA,
};
static const char *const names[4] = {
	"www.example.com", "example.com.", ".", "1.0.0.10.in-addr.arpa",
};
static const char *const receive[3] = { "^192\\.168\\.1\\.", "mail", "^a.*z$" };
static regex_t re[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	for (int i = 0; i < 3; i++)
		if (regcomp(&re[i], receive[i], REG_EXTENDED | REG_NOSUB))
			abort();
	return 0;
}

static void names_side(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	uint8_t q[DNS_MAX_QUERY];
	char rev[128];

	if (!name)
		return;
	memcpy(name, data, size);
	name[size] = '\0';
	for (int i = 0; i < 8; i++) {
		int n = dns_build_query(name, types[i], q, sizeof(q));

		if (n > (int)sizeof(q)) {
			fprintf(stderr, "fuzz_dns: query of %d bytes in a %zu-byte buffer\n", n, sizeof(q));
			abort();
		}
	}
	if (dns_reverse_name(name, rev, sizeof(rev)) == 0 && !memchr(rev, '\0', sizeof(rev)))
		abort();
	free(name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t q[DNS_MAX_QUERY];
	char msg[160];
	int qlen, v, sel;

	if (size < 1)
		return 0;
	if (data[0] & 0x80) {
		names_side(data + 1, size - 1);
		return 0;
	}
	qlen = dns_build_query(names[(data[0] >> 3) & 3], types[data[0] & 7], q, sizeof(q));
	if (qlen < 0)
		abort();
	dns_set_id(q, 0x1234);
	sel = (data[0] >> 5) & 3;
	memset(msg, 'x', sizeof(msg));
	v = dns_check_reply(q, (size_t)qlen, data + 1, size - 1, sel ? &re[sel - 1] : NULL, msg, sizeof(msg));
	if ((v < 0 && v != -EINVAL) || v > 1 || (v >= 0 && !memchr(msg, '\0', sizeof(msg)))) {
		fprintf(stderr, "fuzz_dns: verdict %d\n", v);
		abort();
	}
	return 0;
}
