/* list.h - intrusive circular doubly-linked list.
 *
 * Contract: the same shape as the kernel's list_head, because IPVS semantics
 * (newest-first destination order, the rr cursor surviving a deletion) are
 * defined in terms of it.  lvs_list_del() keeps entry->next valid, exactly
 * like list_del_rcu(), so a scheduler's del_dest hook can step from a
 * removed entry to its old successor.
 */
#ifndef LVS_LIST_H
#define LVS_LIST_H

#include <stddef.h>

struct lvs_list {
	struct lvs_list *next, *prev;
};

#define LVS_LIST_INIT(name) { &(name), &(name) }

static inline void lvs_list_init(struct lvs_list *h) { h->next = h->prev = h; }
static inline int lvs_list_empty(const struct lvs_list *h) { return h->next == h; }

static inline void lvs_list__insert(struct lvs_list *e, struct lvs_list *prev, struct lvs_list *next)
{
	next->prev = e;
	e->next = next;
	e->prev = prev;
	prev->next = e;
}

/* add at the head: the kernel's list_add (newest first) */
static inline void lvs_list_add(struct lvs_list *e, struct lvs_list *head) { lvs_list__insert(e, head, head->next); }
/* add at the tail: list_add_tail */
static inline void lvs_list_add_tail(struct lvs_list *e, struct lvs_list *head) { lvs_list__insert(e, head->prev, head); }

/* unlink; e->next stays valid (list_del_rcu semantics), e->prev is poisoned */
static inline void lvs_list_del(struct lvs_list *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->prev = NULL;
}

#define lvs_container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define lvs_list_entry(ptr, type, member) lvs_container_of(ptr, type, member)
#define lvs_list_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)
#define lvs_list_for_each_entry(pos, head, member)                                  \
	for ((pos) = lvs_list_entry((head)->next, __typeof__(*(pos)), member);      \
	     &(pos)->member != (head);                                              \
	     (pos) = lvs_list_entry((pos)->member.next, __typeof__(*(pos)), member))
#define lvs_list_for_each_entry_safe(pos, n, head, member)                          \
	for ((pos) = lvs_list_entry((head)->next, __typeof__(*(pos)), member),      \
	     (n) = lvs_list_entry((pos)->member.next, __typeof__(*(pos)), member);  \
	     &(pos)->member != (head);                                              \
	     (pos) = (n), (n) = lvs_list_entry((n)->member.next, __typeof__(*(n)), member))

#endif
