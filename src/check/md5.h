/* md5.h - MD5 (RFC 1321), only for keepalived's HTTP_GET `digest`. */
#ifndef LVS_CHECK_MD5_H
#define LVS_CHECK_MD5_H

#include <stddef.h>
#include <stdint.h>

/* hex: 33 bytes, lower case, NUL-terminated */
void chk_md5_hex(const void *data, size_t len, char hex[33]);

#endif
