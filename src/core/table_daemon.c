/* table_daemon.c - the sync daemons' settings (--start-daemon /
 * --stop-daemon): the checks and defaults of the kernel's
 * ip_vs_genl_new_daemon + start_sync_thread, without the threads (the
 * sync module runs those and reads the settings from here).
 */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "table-int.h"

#define SYNC_GROUP_V4 0xE0000051u /* 224.0.0.81 */
#define SYNC_PORT 8848
#define SYNC_MTU 1500              /* a master's mtu, a backup's minimum */

static int is_mcast(int af, const union lvs_addr *a)
{
	if (af == AF_INET6)
		return (ntohl(a->w[0]) & 0xFF000000u) == 0xFF000000u;
	return (ntohl(a->ip) & 0xF0000000u) == 0xE0000000u;
}

int lvs_start_daemon(struct lvs_table *t, const struct lvs_daemon_conf *c)
{
	struct lvs_daemon_conf d;
	int slot, mtu = SYNC_MTU;

	if (!c)
		return -EINVAL;
	d = *c;
	/* ip_vs_genl_new_daemon: mcast_af 0 = no group given */
	if (d.mcast_af == AF_INET || d.mcast_af == AF_INET6) {
		if (!is_mcast(d.mcast_af, &d.mcast_group))
			return -EINVAL;
	} else if (d.mcast_af != 0) {
		return -EAFNOSUPPORT;
	}
	/* the sync protocol cannot carry mixed-family services */
	if (t->mixed_af_dests > 0)
		return -EINVAL;

	/* start_sync_thread (6.1): defaults, device, maxlen, then the role */
	if (d.mcast_af == 0) {
		d.mcast_af = AF_INET;
		memset(&d.mcast_group, 0, sizeof(d.mcast_group));
		d.mcast_group.ip = htonl(SYNC_GROUP_V4);
	}
	if (!d.mcast_port)
		d.mcast_port = SYNC_PORT;
	if (!d.mcast_ttl)
		d.mcast_ttl = 1;
	if (!name_ok(d.mcast_ifn, LVS_IFNAME_MAXLEN))
		return -ENODEV;
	if (t->ifmtu) {
		int r = t->ifmtu(d.mcast_ifn, t->ifmtu_arg);

		if (r < 0)
			return r;
		if (d.state == LVS_DAEMON_BACKUP)
			mtu = r < SYNC_MTU ? SYNC_MTU : r > 65535 ? 65535 : r;
	}

	/* a given maxlen is clamped to [1 (master) / 1024 (backup), 65535 -
	 * headers] (golden 173: master 65507 kept); the default follows the
	 * mtu (golden 170: backup on lo 65507) */
	unsigned hlen = d.mcast_af == AF_INET6 ? 40 + 8 : 20 + 8;
	unsigned min_len = d.state == LVS_DAEMON_BACKUP ? 1024 : 1;

	if (d.sync_maxlen) {
		unsigned v = d.sync_maxlen;

		if (v < min_len)
			v = min_len;
		if (v > 65535 - hlen)
			v = 65535 - hlen;
		d.sync_maxlen = (uint16_t)v;
	} else {
		d.sync_maxlen = (uint16_t)((unsigned)mtu - hlen);
	}

	if (d.state == LVS_DAEMON_MASTER)
		slot = 0;
	else if (d.state == LVS_DAEMON_BACKUP)
		slot = 1;
	else
		return -EINVAL;
	if (t->daemon_running[slot])
		return -EEXIST;
	t->daemons[slot] = d;
	t->daemon_running[slot] = 1;
	return 0;
}

int lvs_stop_daemon(struct lvs_table *t, int state)
{
	int slot;

	if (state == LVS_DAEMON_MASTER)
		slot = 0;
	else if (state == LVS_DAEMON_BACKUP)
		slot = 1;
	else
		return -EINVAL;
	if (!t->daemon_running[slot])
		return -ESRCH;
	t->daemon_running[slot] = 0;
	memset(&t->daemons[slot], 0, sizeof(t->daemons[slot]));
	return 0;
}

int lvs_get_daemons(const struct lvs_table *t, struct lvs_daemon_conf out[2])
{
	int n = 0;

	for (int i = 0; i < 2; i++)
		if (t->daemon_running[i])
			out[n++] = t->daemons[i];
	return n;
}
