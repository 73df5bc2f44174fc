/* SPDX-License-Identifier: MIT */
/*
 * wer/version.h - openwer's version, kept here and nowhere else: the build
 * reads it for the library's file name, pkg-config and the CMake package,
 * and every program's --version prints WER_VERSION_STRING. Included by
 * <wer/wer.h>.
 */
#ifndef WER_VERSION_H
#define WER_VERSION_H

#define WER_VERSION_MAJOR  0
#define WER_VERSION_MINOR  2
#define WER_VERSION_PATCH  0
#define WER_VERSION_STRING "0.2.0"

/* The version as one number, for #if: WER_VERSION_NUMBER >= 0x000200. */
#define WER_VERSION_NUMBER                                                     \
	((WER_VERSION_MAJOR << 16) | (WER_VERSION_MINOR << 8) |                \
	 WER_VERSION_PATCH)

#endif /* WER_VERSION_H */
