/* epoch.c - quiescent-state-based reclamation (see epoch.h).
 *
 * Why it is safe.  A writer unlinks object X (a store), then retires it
 * with an atomic increment of the epoch to E (X's tag), and frees X once
 * every online slot shows an epoch >= E.  A reader that stored an epoch
 * >= E had loaded it (acquire) after that increment, so every read it
 * made after that load sees X unlinked; everything it read before was
 * released by that store and happens before the free.  A slot showing
 * OFFLINE or FREE was released the same way.  The one race left is a
 * reader coming online (state written, then reads) while the writer scans
 * (increment, then reads of the slots): both sides put a seq_cst fence
 * between their store and their loads, so either the writer sees the
 * slot's epoch (and waits for it) or the reader sees X unlinked.
 */
#include <errno.h>
#include <stdlib.h>

#include "cacheline.h"
#include "epoch.h"

/* the reader the calling thread registered last (lvs_epoch_thread_*) */
static _Thread_local struct lvs_epoch_reader *self;

struct lvs_epoch *lvs_epoch_new(unsigned max_readers)
{
	struct lvs_epoch *e;

	if (max_readers == 0 || max_readers > 65536)
		return NULL;
	e = lvs_cl_alloc(sizeof(*e));
	if (!e)
		return NULL;
	e->slot = lvs_cl_alloc(sizeof(e->slot[0]) * max_readers);
	if (!e->slot) {
		lvs_cl_free(e);
		return NULL;
	}
	e->cap = max_readers;
	atomic_init(&e->now, LVS_EPOCH_FIRST);
	atomic_init(&e->used, 0);
	for (unsigned i = 0; i < max_readers; i++) {
		atomic_init(&e->slot[i].state, LVS_EPOCH_FREE);
		e->slot[i].dom = e;
	}
	return e;
}

void lvs_epoch_free(struct lvs_epoch *e)
{
	if (!e)
		return;
	lvs_cl_free(e->slot);
	lvs_cl_free(e);
}

/* ---- readers ---- */

int lvs_epoch_register(struct lvs_epoch *e, struct lvs_epoch_reader **out)
{
	for (unsigned i = 0; i < e->cap; i++) {
		struct lvs_epoch_reader *r = &e->slot[i];
		uint64_t expect = LVS_EPOCH_FREE;

		if (!atomic_compare_exchange_strong(&r->state, &expect, LVS_EPOCH_OFFLINE))
			continue;
		/* the writer scans slots [0, used): widen it before going
		 * online, so the online fence also publishes the widening */
		unsigned used = atomic_load(&e->used);

		while (used < i + 1 && !atomic_compare_exchange_weak(&e->used, &used, i + 1))
			;
		lvs_epoch_online(r);
		self = r;
		*out = r;
		return 0;
	}
	*out = NULL;
	return -ENOSPC;
}

void lvs_epoch_unregister(struct lvs_epoch_reader *r)
{
	if (!r)
		return;
	if (self == r)
		self = NULL;
	atomic_store_explicit(&r->state, LVS_EPOCH_FREE, memory_order_release);
}

void lvs_epoch_online(struct lvs_epoch_reader *r)
{
	uint64_t now = atomic_load_explicit(&r->dom->now, memory_order_acquire);

	atomic_store_explicit(&r->state, now, memory_order_relaxed);
	/* the state before any read that follows (see the top) */
	atomic_thread_fence(memory_order_seq_cst);
}

void lvs_epoch_thread_offline(void)
{
	if (self)
		lvs_epoch_offline(self);
}

void lvs_epoch_thread_online(void)
{
	if (self)
		lvs_epoch_online(self);
}

/* ---- writers ---- */

void lvs_epoch_list_init(struct lvs_epoch_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
	l->n = 0;
}

void lvs_epoch_retire(struct lvs_epoch *e, struct lvs_epoch_list *l, struct lvs_epoch_node *n,
		      void (*fn)(struct lvs_epoch_node *))
{
	/* seq_cst: the caller's unlink is visible to whoever sees the new
	 * epoch.  Tags grow along the list, so reclaim stops at the first
	 * node not yet due. */
	n->tag = atomic_fetch_add_explicit(&e->now, 1, memory_order_seq_cst) + 1;
	n->fn = fn;
	n->next = NULL;
	*l->tail = n;
	l->tail = &n->next;
	l->n++;
}

uint64_t lvs_epoch_oldest(struct lvs_epoch *e)
{
	uint64_t oldest = UINT64_MAX;

	/* pairs with the fence of a reader coming online (see the top) */
	atomic_thread_fence(memory_order_seq_cst);
	unsigned used = atomic_load_explicit(&e->used, memory_order_acquire);

	for (unsigned i = 0; i < used; i++) {
		uint64_t s = atomic_load_explicit(&e->slot[i].state, memory_order_acquire);

		if (s >= LVS_EPOCH_FIRST && s < oldest)
			oldest = s;
	}
	return oldest;
}

/* unlink and free the head of l */
static void free_head(struct lvs_epoch_list *l)
{
	struct lvs_epoch_node *n = l->head;

	l->head = n->next;
	if (!l->head)
		l->tail = &l->head;
	l->n--;
	n->fn(n);
}

size_t lvs_epoch_reclaim(struct lvs_epoch *e, struct lvs_epoch_list *l)
{
	size_t freed = 0;

	if (!l->head)
		return 0;
	uint64_t oldest = lvs_epoch_oldest(e);

	while (l->head && l->head->tag <= oldest) {
		free_head(l);
		freed++;
	}
	return freed;
}

size_t lvs_epoch_reclaim_all(struct lvs_epoch_list *l)
{
	size_t freed = 0;

	while (l->head) {
		free_head(l);
		freed++;
	}
	return freed;
}
