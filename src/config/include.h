/* include.h - keepalived's `include FILE`, as keepalived reads it: the
 * included files' lines take the place of the include line, so the
 * keepalived parser sees one text; a source map turns a line of that
 * text back into "file:line" for every message.
 *
 * Semantics (keepalived's lib/parser.c read_conf_file/check_include):
 *  - a line whose words (comments after '#' or '!' removed, "quoted"
 *    words kept whole) are exactly `include PATTERN` is an include, inside
 *    a block or not;
 *  - PATTERN is a glob(3) pattern with GLOB_MARK|GLOB_BRACE; the matches
 *    are read in glob's (sorted) order; directories are skipped, and so
 *    are files that are not regular or are executable (a warning each);
 *  - a relative PATTERN is relative to the directory of the file that
 *    includes it (keepalived chdir()s there while it reads a file);
 *  - a pattern matching nothing is a warning (keepalived logs it and goes
 *    on); cfg_src.missing counts them so that a reload can refuse to drop
 *    services an absent file may have defined;
 *  - beyond keepalived, which has neither: nesting deeper than
 *    CFG_INCLUDE_MAX_DEPTH and a file including itself (directly or not)
 *    are errors, as is an expanded text over CFG_INCLUDE_MAX_TOTAL bytes.
 * Errors follow config.h: the first one, "file:line: message", in err.
 */
#ifndef LVS_CONFIG_INCLUDE_H
#define LVS_CONFIG_INCLUDE_H

#include <stddef.h>
#include "lib/strbuf.h"

#define CFG_INCLUDE_MAX_DEPTH 8
#define CFG_INCLUDE_MAX_TOTAL (64u << 20)

struct cfg_src_line {
	unsigned file;          /* index in cfg_src.files */
	int line;               /* line in that file */
};

struct cfg_src {
	char **files;           /* files[0] is the main file's name */
	size_t nfiles;
	struct cfg_src_line *lines;   /* [line of the expanded text - 1] */
	size_t nlines;
	int missing;            /* include patterns that matched no file */
	int missing_line;       /* the first one's line (expanded text) */
};

/* Expand the includes of `text` (the file `name`).  0 with *out (the
 * expanded text) and *src; or -EINVAL / -ENOMEM / -errno with the first
 * error in err.  Warnings go to warn, one "file:line: warning: ..." line
 * each. */
int cfg_include_expand(const char *name, const char *text, char **out, struct cfg_src **src,
		       struct strbuf *err, struct strbuf *warn);
void cfg_src_free(struct cfg_src *s);
/* line of the expanded text -> its file (`fallback` when src is NULL or
 * the line is out of range) and *local, its line there */
const char *cfg_src_where(const struct cfg_src *s, const char *fallback, int line, int *local);

#endif
