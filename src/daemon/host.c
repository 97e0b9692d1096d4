/* host.c - the host interface (host/host.h) over this daemon: what every
 * module gets in start().  Each operation is the daemon's own function
 * with the daemon as context; lvsd_hook_add keeps what modules register. */
#include <errno.h>
#include <stdlib.h>
#include "daemon.h"

static struct lvs_table *h_table(void *ctx) { return ((struct lvsd *)ctx)->table; }
static struct lvs_core *h_core(void *ctx) { return ((struct lvsd *)ctx)->core; }
static void h_lock(void *ctx) { lvsd_lock(ctx); }
static void h_unlock(void *ctx) { lvsd_unlock(ctx); }
static void h_changed(void *ctx) { lvsd_table_changed(ctx); }
static const struct lvs_host_opts *h_options(void *ctx) { return &((struct lvsd *)ctx)->opts; }

static int h_register_text(void *ctx, const char *name, lvs_host_text_fn fn, void *arg)
{
	return lvsd_register_text(ctx, name, fn, arg);
}

static int h_register_command(void *ctx, const char *verb, lvs_host_cmd_fn fn, void *arg)
{
	return lvsd_register_command(ctx, verb, fn, arg);
}

static int h_add_fd(void *ctx, int fd, uint32_t epoll_events, lvs_host_fd_fn fn, void *arg)
{
	return lvsd_add_fd(ctx, fd, epoll_events, fn, arg);
}

static void h_del_fd(void *ctx, int fd) { lvsd_del_fd(ctx, fd); }

static int h_add_timer(void *ctx, uint64_t period_ms, lvs_host_timer_fn fn, void *arg)
{
	return lvsd_add_timer(ctx, period_ms, fn, arg);
}

static int h_on_table_change(void *ctx, lvs_host_change_fn fn, void *arg)
{
	return lvsd_on_table_change(ctx, fn, arg);
}

static int h_setting_get(void *ctx, const char *name, long *value)
{
	return lvsd_setting_get(ctx, name, value);
}

static int h_setting_set(void *ctx, const char *name, long value, struct strbuf *err)
{
	return lvsd_setting_set(ctx, name, value, err);
}

static int h_register_metrics(void *ctx, lvs_host_metrics_fn fn, void *arg)
{
	return lvsd_register_metrics(ctx, fn, arg);
}

static int h_render_text(void *ctx, const char *name, struct strbuf *out)
{
	return lvsd_text(ctx, name, out);
}

static int h_register_rs_info(void *ctx, lvs_host_rs_info_fn fn, void *arg)
{
	return lvsd_register_rs_info(ctx, fn, arg);
}

static void h_rs_info(void *ctx, lvs_host_rs_emit_fn emit, void *emit_arg)
{
	lvsd_rs_info(ctx, emit, emit_arg);
}

static const struct lvs_host_ops host_ops = {
	.table = h_table,
	.core = h_core,
	.lock = h_lock,
	.unlock = h_unlock,
	.changed = h_changed,
	.options = h_options,
	.register_text = h_register_text,
	.register_command = h_register_command,
	.add_fd = h_add_fd,
	.del_fd = h_del_fd,
	.add_timer = h_add_timer,
	.on_table_change = h_on_table_change,
	.setting_get = h_setting_get,
	.setting_set = h_setting_set,
	.register_metrics = h_register_metrics,
	.render_text = h_render_text,
	.register_rs_info = h_register_rs_info,
	.rs_info = h_rs_info,
};

void lvsd_host_init(struct lvsd *d)
{
	d->host.ops = &host_ops;
	d->host.ctx = d;
}

int lvsd_hook_add(struct lvsd_hooks *h, void (*fn)(void), void *arg)
{
	struct lvsd_hook *v;

	if (!fn)
		return -EINVAL;
	v = realloc(h->v, (h->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	h->v = v;
	v[h->n++] = (struct lvsd_hook){ fn, arg };
	return 0;
}

void lvsd_hooks_free(struct lvsd_hooks *h)
{
	free(h->v);
	h->v = NULL;
	h->n = 0;
}
