/* probe_dialog.c - TCP dialogue probes: ldirectord's negotiate checks for
 * line-based protocols (smtp, pop, imap, nntp, ftp, simpletcp).
 *
 * The script (cfg_check.payload, built by cfg_dialog_build) is a list of
 * NUL-terminated steps: "S<text>" sends text, "E<ERE>" reads reply lines
 * until one matches; an "F<ERE>" right after an E step fails the check at
 * once on a line that matches it (and not E): "-ERR", "530 ...".
 *
 * One non-blocking socket in the engine's epoll; the engine enforces the
 * check's timeout, so a server that greets and then hangs is "timeout".
 * p->fd and p->body (unconsumed input) are freed by the engine's
 * chk_probe_abort(); p->dialog_pos (offset of the current step) is reset
 * at each start. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "check-int.h"

#define DIALOG_INPUT_MAX 16384   /* a reply this long without a match fails */

static void dialog_advance(struct chk_engine *e, struct chk_probe *p);

static const char *cur_step(const struct chk_probe *p)
{
	return (const char *)p->k.payload + p->dialog_pos;
}

/* past the current step, and past the F step that belongs to an E */
static void next_step(struct chk_probe *p)
{
	int was_expect = cur_step(p)[0] == 'E';

	p->dialog_pos += strlen(cur_step(p)) + 1;
	if (was_expect && p->dialog_pos < p->k.payload_len && cur_step(p)[0] == 'F')
		p->dialog_pos += strlen(cur_step(p)) + 1;
}

/* the F step of the current E step, or NULL */
static const char *fail_step(const struct chk_probe *p)
{
	const char *ok = cur_step(p) + 1;
	const char *fail = ok + strlen(ok) + 1;

	if ((size_t)(fail - (const char *)p->k.payload) < p->k.payload_len && fail[0] == 'F')
		return fail + 1;
	return NULL;
}

/* the next complete line of input, consumed (CR LF or LF ends it), or NULL;
 * *start is where the next one begins */
static char *next_line(struct chk_probe *p, size_t *start)
{
	char *line = p->body + *start, *nl;

	if (*start >= p->body_len || !(nl = memchr(line, '\n', p->body_len - *start)))
		return NULL;
	*nl = 0;
	if (nl > line && nl[-1] == '\r')
		nl[-1] = 0;
	*start = (size_t)(nl - p->body) + 1;
	return line;
}

/* Consume the complete lines received for the current expect step.
 * 1 a line matched it, 0 more input is needed, or -errno: the probe is
 * done (a refusing line, a bad expression, too much input, reported). */
static int expect_lines(struct chk_engine *e, struct chk_probe *p)
{
	const char *ok = cur_step(p) + 1, *fail = fail_step(p);
	regex_t re_ok, re_fail;
	int ret = 0;
	size_t start = 0;
	char *line;

	if (!p->body_len)
		return 0;
	if (chk_probe_regcomp(e, p, &re_ok, ok))
		return -EINVAL;
	if (fail && chk_probe_regcomp(e, p, &re_fail, fail)) {
		ret = -EINVAL;
		goto out_ok;
	}
	while (ret == 0 && (line = next_line(p, &start)) != NULL) {
		if (regexec(&re_ok, line, 0, NULL, 0) == 0) {
			ret = 1;
		} else if (fail && regexec(&re_fail, line, 0, NULL, 0) == 0) {
			chk_probe_done(e, p, 0, "%s: server said '%.60s'", p->k.service, line);
			ret = -EPROTO;
		}
	}
	if (ret == 0 && p->body_len - start == DIALOG_INPUT_MAX) {
		chk_probe_done(e, p, 0, "%s: no line matching /%s/ in %d bytes", p->k.service, ok,
			       DIALOG_INPUT_MAX);
		ret = -EMSGSIZE;
	}
	if (ret >= 0) {
		memmove(p->body, p->body + start, p->body_len - start);
		p->body_len -= start;
	}
	if (fail)
		regfree(&re_fail);
out_ok:
	regfree(&re_ok);
	return ret;
}

static void dialog_readable(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = chk_probe_of(w);
	ssize_t n;

	(void)events;
	if (!p->body && !(p->body = malloc(DIALOG_INPUT_MAX + 1))) {
		chk_probe_done(e, p, 0, "out of memory");
		return;
	}
	n = recv(p->fd, p->body + p->body_len, DIALOG_INPUT_MAX - p->body_len, 0);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			chk_probe_done(e, p, 0, "recv: %s", strerror(errno));
		return;
	}
	if (n == 0) {
		chk_probe_done(e, p, 0, "%s: connection closed while expecting /%s/", p->k.service, cur_step(p) + 1);
		return;
	}
	p->body_len += (size_t)n;
	if (expect_lines(e, p) > 0) {
		next_step(p);
		dialog_advance(e, p);
	}
}

/* run send steps until the script ends (success) or an expect step waits */
static void dialog_advance(struct chk_engine *e, struct chk_probe *p)
{
	while (p->dialog_pos < p->k.payload_len) {
		const char *st = cur_step(p);

		if (st[0] == 'E') {
			/* lines already received may answer it */
			int r = expect_lines(e, p);

			if (r < 0)
				return;
			if (r == 0) {
				chk_probe_watch(e, p, EPOLLIN, dialog_readable);
				return;
			}
		} else {
			/* a few dozen bytes into an empty socket buffer: a short
			 * write would mean the peer is not reading at all */
			size_t len = strlen(st + 1);

			if (send(p->fd, st + 1, len, MSG_NOSIGNAL) != (ssize_t)len) {
				chk_probe_done(e, p, 0, "send: %s", strerror(errno));
				return;
			}
		}
		next_step(p);
	}
	chk_probe_done(e, p, 1, "%s dialogue complete", p->k.service);
}

void chk_dialog_start(struct chk_engine *e, struct chk_probe *p)
{
	p->dialog_pos = 0;
	chk_tcp_connect(e, p, dialog_advance);
}
