/* probe_dialog.c - TCP dialogue probes: ldirectord's negotiate checks for
 * line-based protocols (smtp, pop, imap, nntp, ftp, simpletcp).
 *
 * The script (cfg_check.payload, built by cfg_dialog_build) is a list of
 * NUL-terminated steps: "S<text>" sends text, "E<ERE>" reads reply lines
 * until one matches; an "F<ERE>" right after an E step fails the check at
 * once on a line that matches it (and not E): "-ERR", "530 ...".
 *
 * One non-blocking socket in the engine's epoll; the engine enforces the
 * check's timeout, so a server that greets and then hangs is "timeout".  p->fd, p->body (unconsumed input) and
 * p->dialog_pos (offset of the current step) are freed/reset by the
 * engine's probe_abort(). */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "check-int.h"

#define probe_of(w) lvs_container_of(w, struct chk_probe, w)
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

enum { LINES_BAD_RE = -1, LINES_MORE = 0, LINES_OK = 1, LINES_REFUSED = 2 };

/* Look at the complete lines received for the current expect step,
 * consuming them.  On LINES_REFUSED the refusing line is in `refused`. */
static int match_lines(struct chk_probe *p, char *refused, size_t refused_len)
{
	const char *ok = cur_step(p) + 1;
	const char *fail = ok + strlen(ok) + 1;
	int has_fail = (size_t)(fail - (const char *)p->k.payload) < p->k.payload_len && fail[0] == 'F';
	regex_t re_ok, re_fail;
	int res = LINES_MORE;
	size_t start = 0;

	if (!p->body_len)
		return LINES_MORE;
	if (regcomp(&re_ok, ok, REG_EXTENDED | REG_NOSUB))
		return LINES_BAD_RE;
	if (has_fail && regcomp(&re_fail, fail + 1, REG_EXTENDED | REG_NOSUB)) {
		regfree(&re_ok);
		return LINES_BAD_RE;
	}
	while (res == LINES_MORE && p->body_len > start) {
		char *line = p->body + start, *nl = memchr(line, '\n', p->body_len - start);
		if (!nl)
			break;
		*nl = 0;
		if (nl > line && nl[-1] == '\r')
			nl[-1] = 0;
		if (regexec(&re_ok, line, 0, NULL, 0) == 0) {
			res = LINES_OK;
		} else if (has_fail && regexec(&re_fail, line, 0, NULL, 0) == 0) {
			snprintf(refused, refused_len, "%s", line);
			res = LINES_REFUSED;
		}
		start = (size_t)(nl - p->body) + 1;
	}
	regfree(&re_ok);
	if (has_fail)
		regfree(&re_fail);
	memmove(p->body, p->body + start, p->body_len - start);
	p->body_len -= start;
	return res;
}

/* the outcome of match_lines for the running probe: 1 step done, 0 wait,
 * -1 the probe was finished (failure reported) */
static int expect_result(struct chk_engine *e, struct chk_probe *p, int m, const char *refused)
{
	if (m == LINES_BAD_RE) {
		chk_probe_done(e, p, 0, "bad regular expression /%s/", cur_step(p) + 1);
		return -1;
	}
	if (m == LINES_REFUSED) {
		chk_probe_done(e, p, 0, "%s: server said '%.60s'", p->k.service, refused);
		return -1;
	}
	if (m == LINES_MORE && p->body_len == DIALOG_INPUT_MAX) {
		chk_probe_done(e, p, 0, "%s: no line matching /%s/ in %d bytes", p->k.service,
			       cur_step(p) + 1, DIALOG_INPUT_MAX);
		return -1;
	}
	return m == LINES_OK;
}

static void dialog_readable(struct chk_engine *e, struct chk_watch *w, uint32_t events)
{
	struct chk_probe *p = probe_of(w);

	(void)events;
	if (!p->body && !(p->body = malloc(DIALOG_INPUT_MAX + 1))) {
		chk_probe_done(e, p, 0, "out of memory");
		return;
	}
	ssize_t n = recv(p->fd, p->body + p->body_len, DIALOG_INPUT_MAX - p->body_len, 0);
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
	char refused[64];
	int r = expect_result(e, p, match_lines(p, refused, sizeof(refused)), refused);
	if (r > 0) {
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
			char refused[64];
			int r = expect_result(e, p, match_lines(p, refused, sizeof(refused)), refused);
			if (r < 0)
				return;
			if (r == 0) {
				p->w.cb = dialog_readable;
				if (chk_watch_mod(e, p->fd, EPOLLIN, &p->w))
					chk_probe_done(e, p, 0, "epoll: %s", strerror(errno));
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
