/* nft.h - nftables through libnftables: one context per process, commands
 * with nft's error text captured, and one reaper for the tables that dead
 * lvsd processes left behind.
 *
 * lvsd's own nftables tables are named <prefix><pid> ("lvsd_1234",
 * "lvsd_fw_1234"): the pid keeps several lvsd processes of one network
 * namespace apart, and tells whose a table is once its owner died without
 * cleaning up (SIGKILL, a crash), when its drop rules would go on
 * blackholing traffic that nobody forwards any more.
 *
 * Contract:
 *  - lvs_nft_open() takes a reference on the process's one libnftables
 *    context, created by the first reference and freed with the last.
 *    Listings are stateless (no counters: a changed counter is no change
 *    of the rules).  Every call takes the context's lock, so any thread
 *    may use it; one call's output is never mixed with another's.
 *  - lvs_nft_run() runs one command or a batch (one transaction: all of
 *    it or nothing).  Functions return 0 (or a count) or -errno; where
 *    they take `struct strbuf *err` (may be NULL) they append a one-line
 *    reason on failure (the first line of nft's own message).
 */
#ifndef LVS_LIB_NFT_H
#define LVS_LIB_NFT_H

struct strbuf;
struct lvs_nft;

/* 0, or -ENOMEM when libnftables cannot make a context */
int lvs_nft_open(struct lvs_nft **out);
void lvs_nft_close(struct lvs_nft *n);

/* run `cmds` (nft syntax, newline-separated); the listing it prints is
 * appended to `out` (may be NULL).  -EIO: nft refused the commands */
int lvs_nft_run(struct lvs_nft *n, const char *cmds, struct strbuf *out, struct strbuf *err);

/* delete every table `<family> <prefix><pid>` of the given families
 * (NULL-terminated) whose process no longer exists; tables of live
 * processes, of this process and of other names are kept.  Returns the
 * number of tables deleted, or -errno when the tables cannot be listed. */
int lvs_nft_reap_stale(struct lvs_nft *n, const char *prefix, const char *const *families,
		       struct strbuf *err);

#endif
