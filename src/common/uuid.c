/* SPDX-License-Identifier: MIT */
/*
 * uuid.c - random UUIDs (uuid.h).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "uuid.h"

int wer_uuid4(char out[WER_UUID_SIZE])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -EIO;
	b[6] = (b[6] & 0x0f) | 0x40; /* version 4 */
	b[8] = (b[8] & 0x3f) | 0x80; /* variant 10 (RFC 9562) */
	snprintf(out, WER_UUID_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
		 b[10], b[11], b[12], b[13], b[14], b[15]);
	return 0;
}
