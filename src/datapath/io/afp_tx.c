/* afp_tx.c - see afp_tx.h */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include "lib/err.h"
#include "afp_tx.h"

int afp_tx_open(struct afp_tx *t, int vnet, struct strbuf *err)
{
	int one = 1, r;

	memset(t, 0, sizeof(*t));
	t->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (t->fd < 0)
		return lvs_err(err, -errno, "AF_PACKET TX socket: %m");
	if (vnet && setsockopt(t->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0) {
		r = lvs_err(err, -errno, "PACKET_VNET_HDR: %m");
		goto fail;
	}
	t->vnet = vnet;
	/* best effort: the director forwards, the local qdisc adds only
	 * latency (veth's default is noqueue anyway) */
	(void)setsockopt(t->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return 0;
fail:
	afp_tx_close(t);
	return r;
}

void afp_tx_close(struct afp_tx *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	t->n = 0;
}

int afp_tx_flush(struct afp_tx *t)
{
	int refused = 0, done = 0;
	while (done < t->n) {
		int r = sendmmsg(t->fd, t->msgs + done, (unsigned)(t->n - done), MSG_DONTWAIT);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			/* the first remaining frame is refused (EMSGSIZE, ENXIO, ENOBUFS...) */
			refused++;
			done++;
			continue;
		}
		done += r;
	}
	/* one writer (the owning worker): a relaxed store is enough */
	__atomic_store_n(&t->sent, t->sent + (uint64_t)(done - refused), __ATOMIC_RELAXED);
	t->n = 0;
	refused += t->refused;
	t->refused = 0;
	return refused;
}

int afp_tx_queue(struct afp_tx *t, int ifindex, const struct dp_offload *off, const struct iovec *iov, int n)
{
	if (n < 1 || n > AFP_TX_IOV_MAX)
		return -EINVAL;
	if (t->n == AFP_TX_BATCH)
		t->refused = afp_tx_flush(t);
	struct afp_tx_slot *s = &t->slot[t->n];
	struct mmsghdr *m = &t->msgs[t->n];
	int k = 0;
	memset(&s->sll, 0, sizeof(s->sll));
	s->sll.sll_family = AF_PACKET;
	s->sll.sll_ifindex = ifindex;
	s->sll.sll_protocol = htons(ETH_P_IP);
	if (t->vnet) {
		memset(&s->vh, 0, sizeof(s->vh));
		if (off) {
			s->vh.flags = off->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
			s->vh.gso_type = off->gso_size ? off->gso_type : VIRTIO_NET_HDR_GSO_NONE;
			s->vh.hdr_len = off->hdr_len;
			s->vh.gso_size = off->gso_size;
			s->vh.csum_start = off->csum_start;
			s->vh.csum_offset = off->csum_offset;
		}
		s->iov[k].iov_base = &s->vh;
		s->iov[k++].iov_len = sizeof(s->vh);
	}
	for (int i = 0; i < n; i++)
		s->iov[k++] = iov[i];
	memset(m, 0, sizeof(*m));
	m->msg_hdr.msg_name = &s->sll;
	m->msg_hdr.msg_namelen = sizeof(s->sll);
	m->msg_hdr.msg_iov = s->iov;
	m->msg_hdr.msg_iovlen = (size_t)k;
	t->n++;
	return 0;
}
