/* crc32c.h - the SCTP checksum.
 *
 * Contract: crc32c() is the raw reflected CRC32c update (start with ~0,
 * complement at the end); sctp_checksum*() work on a whole SCTP packet
 * (common header + chunks, len >= 12) whose checksum field is ignored on
 * input.  Pure functions, any thread.
 */
#ifndef LVS_DP_CRC32C_H
#define LVS_DP_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32c(uint32_t crc, const void *buf, size_t len);
/* the two ways crc32c() computes it: the table (any CPU), and the SSE4.2
 * crc32 instruction, which may be called only when crc32c_hw_available()
 * (on other architectures it is the table) */
uint32_t crc32c_sw(uint32_t crc, const void *buf, size_t len);
uint32_t crc32c_hw(uint32_t crc, const void *buf, size_t len);
int crc32c_hw_available(void);
uint32_t sctp_checksum(const uint8_t *sctp, size_t len);
void sctp_checksum_set(uint8_t *sctp, size_t len);
int sctp_checksum_ok(const uint8_t *sctp, size_t len);

#endif
