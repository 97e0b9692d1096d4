/* include.c - keepalived's `include` (see include.h). */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "config.h"
#include "include.h"
#include "lib/grow.h"

#define INC_MAX_FILE (16u << 20)   /* as cfg_parse_file: one file */

struct inc_id {
	dev_t dev;
	ino_t ino;
};

struct inc {
	struct strbuf out;
	struct cfg_src *src;
	size_t cap_lines;
	struct strbuf *err, *warn;
	int failed;
	struct inc_id stack[CFG_INCLUDE_MAX_DEPTH + 1];   /* the files being read */
	int nstack;
};

static int inc_error(struct inc *c, unsigned file, int line, int ret, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int inc_error(struct inc *c, unsigned file, int line, int ret, const char *fmt, ...)
{
	va_list ap;

	if (c->failed++ || !c->err)
		return ret;
	sb_printf(c->err, "%s:%d: ", c->src->files[file], line);
	va_start(ap, fmt);
	sb_vprintf(c->err, fmt, ap);
	va_end(ap);
	return ret;
}

static void inc_warning(struct inc *c, unsigned file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void inc_warning(struct inc *c, unsigned file, int line, const char *fmt, ...)
{
	va_list ap;

	if (!c->warn)
		return;
	sb_printf(c->warn, "%s:%d: warning: ", c->src->files[file], line);
	va_start(ap, fmt);
	sb_vprintf(c->warn, fmt, ap);
	va_end(ap);
	sb_puts(c->warn, "\n");
}

/* one line of the expanded text, from line `line` of file `file` */
static int emit(struct inc *c, unsigned file, int line, const char *s, size_t len)
{
	struct cfg_src *src = c->src;

	if (lvs_grow(&src->lines, &c->cap_lines, src->nlines, sizeof(*src->lines), 256) < 0)
		return -ENOMEM;
	if (c->out.len + len + 1 > CFG_INCLUDE_MAX_TOTAL)
		return inc_error(c, file, line, -EINVAL, "the configuration with its includes exceeds %u bytes",
				 CFG_INCLUDE_MAX_TOTAL);
	sb_append(&c->out, s, len);
	sb_puts(&c->out, "\n");
	if (c->out.oom)
		return -ENOMEM;
	src->lines[src->nlines].file = file;
	src->lines[src->nlines].line = line;
	src->nlines++;
	return 0;
}

/* the pattern of an `include PATTERN` line into pat (malloc'd), else NULL:
 * words as keepalived splits them, '#' and '!' outside quotes start a
 * comment */
static char *include_pattern(const char *s, size_t len)
{
	const char *e = s + len, *w[3];
	size_t wl[3];
	int n = 0;

	while (s < e && n < 3) {
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\f' || *s == '\v'))
			s++;
		if (s == e || *s == '#' || *s == '!')
			break;
		if (*s == '"') {
			w[n] = ++s;
			while (s < e && *s != '"')
				s++;
			wl[n] = (size_t)(s - w[n]);
			n++;
			if (s < e)
				s++;
			continue;
		}
		w[n] = s;
		while (s < e && !strchr(" \t\r\f\v#!", *s))
			s++;
		wl[n] = (size_t)(s - w[n]);
		n++;
	}
	if (n != 2 || wl[0] != 7 || memcmp(w[0], "include", 7) || !wl[1])
		return NULL;
	return strndup(w[1], wl[1]);
}

/* a relative pattern is relative to the including file's directory */
static char *resolve(const char *includer, const char *pat)
{
	const char *slash = strrchr(includer, '/');
	struct strbuf sb = STRBUF_INIT;

	if (pat[0] == '/' || !slash)
		return strdup(pat);
	sb_append(&sb, includer, (size_t)(slash - includer) + 1);
	sb_puts(&sb, pat);
	return sb_detach(&sb);
}

static int add_file(struct cfg_src *src, const char *name, unsigned *idx)
{
	char **v = realloc(src->files, (src->nfiles + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	src->files = v;
	v[src->nfiles] = strdup(name);
	if (!v[src->nfiles])
		return -ENOMEM;
	*idx = (unsigned)src->nfiles++;
	return 0;
}

static int expand(struct inc *c, unsigned file, const char *text, int depth);

/* read one match of an include at (file, line); 1 = skipped (warned) */
static int include_one(struct inc *c, unsigned file, int line, const char *path, int depth)
{
	struct stat st;
	char *text = NULL;
	unsigned idx;
	ssize_t n;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		inc_warning(c, file, line, "include: cannot open '%s': %s; skipped", path, strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH))) {
		inc_warning(c, file, line, "include: '%s' is not a regular non-executable file; skipped", path);
		close(fd);
		return 1;
	}
	for (int i = 0; i < c->nstack; i++)
		if (c->stack[i].dev == st.st_dev && c->stack[i].ino == st.st_ino) {
			close(fd);
			return inc_error(c, file, line, -EINVAL, "include loop: '%s' is already being read", path);
		}
	if (depth + 1 > CFG_INCLUDE_MAX_DEPTH) {
		close(fd);
		return inc_error(c, file, line, -EINVAL, "include: '%s' is nested more than %d includes deep", path,
				 CFG_INCLUDE_MAX_DEPTH);
	}
	if ((size_t)st.st_size > INC_MAX_FILE) {
		close(fd);
		return inc_error(c, file, line, -EINVAL, "include: '%s' is larger than %u bytes", path, INC_MAX_FILE);
	}
	ret = -ENOMEM;
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		goto out;
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0) {
		ret = inc_error(c, file, line, -errno, "include: cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	text[n] = 0;
	if (memchr(text, 0, (size_t)n)) {
		ret = inc_error(c, file, line, -EINVAL, "include: '%s' has binary data (a NUL byte)", path);
		goto out;
	}
	if ((ret = add_file(c->src, path, &idx)))
		goto out;
	c->stack[c->nstack].dev = st.st_dev;
	c->stack[c->nstack].ino = st.st_ino;
	c->nstack++;
	ret = expand(c, idx, text, depth + 1);
	c->nstack--;
out:
	free(text);
	close(fd);
	return ret;
}

static int include(struct inc *c, unsigned file, int line, const char *pat, int depth)
{
	char *path = resolve(c->src->files[file], pat);
	glob_t g;
	int ret = 0, r;

	if (!path)
		return -ENOMEM;
	memset(&g, 0, sizeof(g));
	r = glob(path, GLOB_MARK | GLOB_BRACE, NULL, &g);
	if (r == GLOB_NOSPACE) {
		ret = -ENOMEM;
		goto out;
	}
	if (r == 0)
		for (size_t i = 0; i < g.gl_pathc && !ret; i++) {
			const char *m = g.gl_pathv[i];

			if (m[strlen(m) - 1] == '/')
				continue;   /* a directory */
			r = include_one(c, file, line, m, depth);
			if (r < 0)
				ret = r;
		}
	if (!ret && (r == GLOB_NOMATCH || r == GLOB_ABORTED)) {
		inc_warning(c, file, line, "include: no file matches '%s'", path);
		if (!c->src->missing++)
			c->src->missing_line = (int)c->src->nlines;
	}
out:
	globfree(&g);
	free(path);
	return ret;
}

static int expand(struct inc *c, unsigned file, const char *text, int depth)
{
	const char *p = text;
	int line = 0, ret;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *pat = include_pattern(p, len);

		line++;
		/* the include line itself stays, empty: later lines keep their numbers */
		ret = emit(c, file, line, pat ? "" : p, pat ? 0 : len);
		if (!ret && pat)
			ret = include(c, file, line, pat, depth);
		free(pat);
		if (ret)
			return ret == -ENOMEM ? inc_error(c, file, line, ret, "out of memory") : ret;
		p += len + (nl ? 1 : 0);
	}
	return 0;
}

void cfg_src_free(struct cfg_src *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	free(s->lines);
	free(s);
}

int cfg_include_expand(const char *name, const char *text, char **out, struct cfg_src **src,
		       struct strbuf *err, struct strbuf *warn)
{
	struct inc c = { .out = STRBUF_INIT, .err = err, .warn = warn };
	struct stat st;
	unsigned idx;
	int ret = -ENOMEM;

	*out = NULL;
	*src = NULL;
	c.src = calloc(1, sizeof(*c.src));
	if (!c.src || add_file(c.src, name, &idx))
		goto fail;
	if (stat(name, &st) == 0) {
		c.stack[0].dev = st.st_dev;
		c.stack[0].ino = st.st_ino;
		c.nstack = 1;
	}
	sb_append(&c.out, "", 0);   /* an empty file is an empty text, not NULL */
	if (c.out.oom)
		goto fail;
	if ((ret = expand(&c, 0, text, 0)))
		goto fail;
	*out = sb_detach(&c.out);
	*src = c.src;
	return 0;
fail:
	if (ret == -ENOMEM && !c.failed && err)
		sb_printf(err, "%s: out of memory", name);
	sb_free(&c.out);
	cfg_src_free(c.src);
	return ret;
}

const char *cfg_src_where(const struct cfg_src *s, const char *fallback, int line, int *local)
{
	*local = line;
	if (!s || line < 1 || (size_t)line > s->nlines)
		return fallback;
	*local = s->lines[line - 1].line;
	return s->files[s->lines[line - 1].file];
}

const char *cfg_where(const struct cfg *c, int line, int *local)
{
	return cfg_src_where(c->src, c->path, line, local);
}

int cfg_missing_includes(const struct cfg *c, int *line)
{
	*line = c->src ? c->src->missing_line : 0;
	return c->src ? c->src->missing : 0;
}
