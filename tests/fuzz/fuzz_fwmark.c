/* fuzz_fwmark.c - rule text through the fwmark classifier's readers: the
 * input is read as `iptables-save -t mangle` output and as `nft list
 * ruleset` output (each into its own classifier, then both into one, as
 * the watcher does on an iptables-nft host), compiled, described, and
 * asked for the mark of a few packets (fixed ones towards the addresses
 * the seeds use, and some made from the input's bytes). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "datapath/netfilter/fwmark.h"
#include "lib/strbuf.h"

static void classify(const struct fwm_classifier *c, const uint8_t *data, size_t size)
{
	static const char *const ifnames[3] = { NULL, "eth0", "veth1" };
	static const struct { uint8_t proto; const char *d; uint16_t dport; } fixed[] = {
		{ IPPROTO_TCP, "172.16.0.100", 80 }, { IPPROTO_TCP, "172.16.0.100", 443 },
		{ IPPROTO_TCP, "172.16.0.100", 22 }, { IPPROTO_UDP, "172.16.0.101", 53 },
		{ IPPROTO_SCTP, "10.0.0.1", 5000 }, { IPPROTO_ICMP, "10.0.0.1", 0 },
	};
	struct fwm_pkt p;

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.af = AF_INET;
		p.protocol = fixed[i].proto;
		inet_pton(AF_INET, "10.9.8.7", &p.saddr);
		inet_pton(AF_INET, fixed[i].d, &p.daddr);
		p.sport = 40000;
		p.dport = fixed[i].dport;
		p.ifname = ifnames[i % 3];
		fwm_classify(c, &p);
	}
	/* packets from the input's bytes: 14 bytes each */
	for (size_t at = 0; at + 14 <= size && at < 14 * 4; at += 14) {
		memset(&p, 0, sizeof(p));
		p.af = AF_INET;
		p.protocol = data[at];
		memcpy(&p.saddr, data + at + 1, 4);
		memcpy(&p.daddr, data + at + 5, 4);
		p.sport = (uint16_t)(data[at + 9] << 8 | data[at + 10]);
		p.dport = (uint16_t)(data[at + 11] << 8 | data[at + 12]);
		p.ifname = ifnames[data[at + 13] % 3];
		fwm_classify(c, &p);
	}
}

static void finish(struct fwm_classifier *c, const uint8_t *data, size_t size)
{
	struct strbuf sb = STRBUF_INIT;

	fwm_finish(c);
	classify(c, data, size);
	fwm_describe(c, &sb);
	sb_free(&sb);
	fwm_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct fwm_classifier *ipt, *nft, *both;
	uint32_t v;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	ipt = fwm_new();
	nft = fwm_new();
	both = fwm_new();
	if (ipt) {
		fwm_parse_iptables_save(ipt, text);
		finish(ipt, data, size);
	}
	if (nft) {
		fwm_parse_nft(nft, text, 0);
		finish(nft, data, size);
	}
	if (both) {
		fwm_parse_nft(both, text, 1);
		fwm_parse_iptables_save(both, text);
		finish(both, data, size);
	}
	if (size < 64)
		fwm_parse_u32(text, &v);
	free(text);
	return 0;
}
