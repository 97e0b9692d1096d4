/* afxdp_csum.c - see afxdp_csum.h */
#include <netinet/in.h>
#include "afxdp_csum.h"
#include "datapath/pkt/csum.h"

#define ETH_HDR 14

enum afxdp_csum afxdp_fix_csum(struct dp_frame *f)
{
	uint8_t *d = f->data;
	if (!d || f->len < ETH_HDR + 20 || d[12] != 0x08 || d[13] != 0x00)
		return AFXDP_CSUM_UNTOUCHED;
	uint8_t *ip = d + ETH_HDR;
	unsigned ihl = (ip[0] & 0x0f) * 4u;
	unsigned tot = (unsigned)ip[2] << 8 | ip[3];
	if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || ETH_HDR + tot > f->len)
		return AFXDP_CSUM_UNTOUCHED;
	if (((unsigned)ip[6] << 8 | ip[7]) & 0x3fff)
		return AFXDP_CSUM_UNTOUCHED;    /* fragments: the parser leaves them to the kernel */
	uint8_t proto = ip[9];
	unsigned l4len = tot - ihl, off;
	if (proto == IPPROTO_TCP && l4len >= 20)
		off = 16;
	else if (proto == IPPROTO_UDP && l4len >= 8)
		off = 6;
	else
		return AFXDP_CSUM_UNTOUCHED;
	uint8_t *l4 = ip + ihl;
	uint16_t field;
	memcpy(&field, l4 + off, 2);
	if (proto == IPPROTO_UDP && field == 0)
		return AFXDP_CSUM_UNTOUCHED;    /* no checksum: nothing to verify */
	uint32_t saddr, daddr;
	memcpy(&saddr, ip + 12, 4);
	memcpy(&daddr, ip + 16, 4);
	uint32_t pseudo = csum_pseudo4(saddr, daddr, proto, (uint16_t)l4len);
	uint32_t sum = csum_partial(l4, l4len, pseudo);
	if (csum_fold16(sum) == 0xffff) {
		f->off.flags |= DP_OFF_DATA_VALID;
		return AFXDP_CSUM_VALID;
	}
	uint16_t ph = csum_fold16(pseudo);
	/* 0 and 0xffff are the same ones-complement value */
	if (field != ph && !((field == 0 || field == 0xffff) && (ph == 0 || ph == 0xffff)))
		return AFXDP_CSUM_UNTOUCHED;    /* really broken: the parser counts it */
	/* the sum without the field = sum - field */
	uint16_t c = (uint16_t)~csum_fold16(csum_add(sum, (uint16_t)~field));
	if (proto == IPPROTO_UDP && c == 0)
		c = 0xffff;
	memcpy(l4 + off, &c, 2);
	f->off.flags |= DP_OFF_DATA_VALID;
	return AFXDP_CSUM_COMPLETED;
}
