/* epoch.h - grace periods for memory that lock-free readers may still be
 * using: quiescent-state-based reclamation (QSBR), a small userspace RCU.
 *
 * A domain has a global epoch counter and one slot per reader thread.  A
 * reader says, between bursts of work, that it holds no pointer it read
 * before (lvs_epoch_quiescent: "I have seen epoch E"), and it may go
 * offline while it blocks (poll, recv, sleep): an offline reader holds
 * nothing and delays nobody.  A writer first makes an object unreachable
 * (unlinks it, swaps the pointer to it), then retires it: the retire
 * advances the epoch and tags the object with the new value E.  The object
 * is freed once every reader that is online has reported an epoch >= E,
 * i.e. has passed a quiescent state after the object became unreachable;
 * until then it stays intact however long a reader stalls.  Reclamation
 * never waits: the writer polls (lvs_epoch_reclaim) and frees what is due.
 *
 * Contract:
 *  - Readers: a thread registers once (lvs_epoch_register; it starts
 *    online), reports quiescent states where it holds no protected pointer,
 *    goes offline around blocking waits and online again before it reads,
 *    and unregisters before it exits.  Only the owning thread uses its
 *    reader.  Quiescent and online are also fine on an offline reader (it
 *    comes back online).  Reporting is cheap: a load and, when the epoch
 *    moved, a store to the reader's own cache line; going online costs one
 *    full fence.
 *  - Writers: a retire list (struct lvs_epoch_list) belongs to one writer at
 *    a time (the caller serialises, e.g. with its own lock); several lists
 *    may share a domain.  lvs_epoch_retire() after the object is
 *    unreachable for readers that start afterwards; lvs_epoch_reclaim()
 *    calls the node's free function for every node whose grace period is
 *    over, oldest first.  lvs_epoch_reclaim_all() frees everything and is
 *    only for teardown, when no reader can hold anything any more.
 *  - The domain has a fixed number of reader slots (given at creation);
 *    registering when all are taken fails with -ENOSPC.
 *  - No I/O, no locks, no sleeping: C11 atomics only.  Pointers that
 *    readers follow must be published and unlinked with atomic stores.
 */
#ifndef LVS_LIB_EPOCH_H
#define LVS_LIB_EPOCH_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* slot states below the first epoch */
#define LVS_EPOCH_FREE    0u     /* no reader registered */
#define LVS_EPOCH_OFFLINE 1u     /* registered, holds nothing */
#define LVS_EPOCH_FIRST   2u     /* the epoch a new domain starts at */

struct lvs_epoch;

/* one reader's slot, alone in its cache line (readers report to their own
 * line; the writer only reads them) */
struct lvs_epoch_reader {
	_Alignas(64) _Atomic uint64_t state;    /* FREE, OFFLINE or the epoch seen */
	struct lvs_epoch *dom;
};

struct lvs_epoch {
	_Alignas(64) _Atomic uint64_t now;      /* global epoch, only grows */
	_Alignas(64) _Atomic unsigned used;     /* slots [0, used) were ever claimed */
	unsigned cap;
	struct lvs_epoch_reader *slot;          /* cap slots */
};

/* something retired, embedded in the object (see lvs_epoch_retire) */
struct lvs_epoch_node {
	struct lvs_epoch_node *next;
	uint64_t tag;                           /* epoch at retirement */
	void (*fn)(struct lvs_epoch_node *);    /* frees the object */
};

/* a writer's retired objects, oldest first */
struct lvs_epoch_list {
	struct lvs_epoch_node *head;
	struct lvs_epoch_node **tail;
	size_t n;
};

/* a domain with room for max_readers readers (>= 1), or NULL */
struct lvs_epoch *lvs_epoch_new(unsigned max_readers);
/* every reader must have unregistered and every list been emptied */
void lvs_epoch_free(struct lvs_epoch *e);

/* ---- readers ---- */

/* claim a slot for the calling thread, online; 0 or -ENOSPC.  Also makes
 * it the thread's current reader (lvs_epoch_thread_*). */
int lvs_epoch_register(struct lvs_epoch *e, struct lvs_epoch_reader **out);
/* give the slot back (r may be NULL); the reader holds nothing after */
void lvs_epoch_unregister(struct lvs_epoch_reader *r);

void lvs_epoch_online(struct lvs_epoch_reader *r);

/* holds nothing until lvs_epoch_online / lvs_epoch_quiescent */
static inline void lvs_epoch_offline(struct lvs_epoch_reader *r)
{
	atomic_store_explicit(&r->state, LVS_EPOCH_OFFLINE, memory_order_release);
}

/* nothing read before this call is used after it.  The acquire load of
 * the epoch orders every later read after it (a reader that saw epoch E
 * sees every unlink retired with a tag <= E); the release store orders
 * every earlier read before the writer's observation of the new value.
 * An unchanged epoch needs no store: nothing with a newer tag exists. */
static inline void lvs_epoch_quiescent(struct lvs_epoch_reader *r)
{
	uint64_t cur = atomic_load_explicit(&r->state, memory_order_relaxed);
	uint64_t now = atomic_load_explicit(&r->dom->now, memory_order_acquire);

	if (cur == LVS_EPOCH_OFFLINE)
		lvs_epoch_online(r);
	else if (cur != now)
		atomic_store_explicit(&r->state, now, memory_order_release);
}

/* the same on the calling thread's current reader (the one it registered
 * last); no-ops on a thread without one.  For code that waits on behalf
 * of a reader but does not know it (packet I/O backends). */
void lvs_epoch_thread_offline(void);
void lvs_epoch_thread_online(void);

/* ---- writers ---- */

void lvs_epoch_list_init(struct lvs_epoch_list *l);
/* n's object is unreachable for new readers: tag it and queue it; fn
 * frees it once every online reader has passed a quiescent state */
void lvs_epoch_retire(struct lvs_epoch *e, struct lvs_epoch_list *l, struct lvs_epoch_node *n,
		      void (*fn)(struct lvs_epoch_node *));
/* free what is due; returns how many nodes were freed */
size_t lvs_epoch_reclaim(struct lvs_epoch *e, struct lvs_epoch_list *l);
/* teardown: free everything regardless of readers */
size_t lvs_epoch_reclaim_all(struct lvs_epoch_list *l);

/* the oldest epoch an online reader may still hold pointers from (the
 * smallest reported epoch), or UINT64_MAX when no reader is online */
uint64_t lvs_epoch_oldest(struct lvs_epoch *e);
/* the current epoch (tests, statistics) */
static inline uint64_t lvs_epoch_now(struct lvs_epoch *e)
{
	return atomic_load_explicit(&e->now, memory_order_relaxed);
}

#endif
