/* nft.c - see nft.h */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <nftables/libnftables.h>
#include "nft.h"
#include "strbuf.h"

/* the process's context; a reference is a pointer to it */
struct lvs_nft {
	struct nft_ctx *ctx;
	unsigned refs;
};

static struct lvs_nft shared;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

int lvs_nft_open(struct lvs_nft **out)
{
	int r = 0;

	pthread_mutex_lock(&lock);
	if (!shared.refs) {
		shared.ctx = nft_ctx_new(NFT_CTX_DEFAULT);
		if (!shared.ctx) {
			r = -ENOMEM;
			goto out;
		}
		nft_ctx_buffer_output(shared.ctx);
		nft_ctx_buffer_error(shared.ctx);
		nft_ctx_output_set_flags(shared.ctx, NFT_CTX_OUTPUT_STATELESS);
	}
	shared.refs++;
	*out = &shared;
out:
	pthread_mutex_unlock(&lock);
	return r;
}

void lvs_nft_close(struct lvs_nft *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&lock);
	if (n->refs && !--n->refs) {
		nft_ctx_free(n->ctx);
		n->ctx = NULL;
	}
	pthread_mutex_unlock(&lock);
}

/* the lock is held */
static int run_locked(struct lvs_nft *n, const char *cmds, struct strbuf *out, struct strbuf *err)
{
	if (nft_run_cmd_from_buffer(n->ctx, cmds) != 0) {
		const char *e = nft_ctx_get_error_buffer(n->ctx);
		if (err) {
			if (!e || !*e)
				e = "nft failed";
			sb_append(err, e, strcspn(e, "\n"));
		}
		return -EIO;
	}
	const char *o = nft_ctx_get_output_buffer(n->ctx);
	if (out && o)
		sb_puts(out, o);
	return 0;
}

int lvs_nft_run(struct lvs_nft *n, const char *cmds, struct strbuf *out, struct strbuf *err)
{
	pthread_mutex_lock(&lock);
	int r = run_locked(n, cmds, out, err);
	pthread_mutex_unlock(&lock);
	return r;
}

/* the pid of a table named exactly <prefix><digits>, or 0 */
static int table_pid(const char *name, const char *prefix)
{
	size_t pl = strlen(prefix);
	if (strncmp(name, prefix, pl))
		return 0;
	name += pl;
	if (*name < '1' || *name > '9' || strspn(name, "0123456789") != strlen(name) || strlen(name) > 9)
		return 0;
	return atoi(name);
}

static int family_listed(const char *family, const char *const *families)
{
	for (; families && *families; families++)
		if (!strcmp(family, *families))
			return 1;
	return 0;
}

int lvs_nft_reap_stale(struct lvs_nft *n, const char *prefix, const char *const *families,
		       struct strbuf *err)
{
	struct strbuf tables = STRBUF_INIT;
	int deleted = 0;

	pthread_mutex_lock(&lock);
	int r = run_locked(n, "list tables\n", &tables, err);
	if (r < 0)
		goto out;
	if (tables.oom) {
		r = -ENOMEM;
		goto out;
	}
	char *save = NULL;
	for (char *line = tables.buf ? strtok_r(tables.buf, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char family[16], name[64], cmd[128];
		if (sscanf(line, "table %15s %63s", family, name) != 2 || !family_listed(family, families))
			continue;
		int pid = table_pid(name, prefix);
		if (pid <= 0 || pid == getpid() || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		snprintf(cmd, sizeof(cmd), "delete table %s %s\n", family, name);
		/* gone meanwhile (another lvsd reaped it): not an error */
		if (run_locked(n, cmd, NULL, NULL) == 0)
			deleted++;
	}
	r = deleted;
out:
	pthread_mutex_unlock(&lock);
	sb_free(&tables);
	return r;
}
