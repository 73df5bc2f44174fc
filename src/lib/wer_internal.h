/* SPDX-License-Identifier: MIT */
/*
 * wer_internal.h - declarations shared by libwer's own files.
 *
 * The registry and validation functions return the HRESULT that the public
 * API returns, because the contract assigns each failure its code there.
 */
#ifndef WER_INTERNAL_H
#define WER_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include "werapi.h"
#include "registry_format.h"

#define WER_EXPORT __attribute__((visibility("default")))

/* validate.c: each checker validates and measures; each *_from_wide also
 * converts to UTF-8 into out, which has room for the longest valid string
 * and its NUL. ret_len (bytes, without NUL) is written only on S_OK. */
HRESULT wer__key_check(const char *key, size_t *ret_len);
HRESULT wer__key_from_wide(const wchar_t *key, char out[WER_REG_KEY_BYTES + 1],
			   size_t *ret_len);
HRESULT wer__value_check(const char *value, size_t *ret_len);
/* A native metadata value (wer_set_metadata): at most
 * WER_REG_NOTE_VALUE_BYTES bytes of UTF-8 without control characters (C0,
 * DEL, C1). */
HRESULT wer__note_value_check(const char *value, size_t *ret_len);

HRESULT wer__value_from_wide(const wchar_t *value,
			     char out[WER_REG_VALUE_BYTES + 1],
			     size_t *ret_len);
HRESULT wer__path_check(const char *path, size_t *ret_len);
HRESULT wer__path_from_wide(const wchar_t *path,
			    char out[WER_REG_PATH_BYTES + 1], size_t *ret_len);

/* Converts a wide string of at most max_chars characters (Unicode scalar
 * values; NUL ends it) to UTF-8 in out (size bytes). E_INVALIDARG when
 * it is longer, not valid, or does not fit. */
HRESULT wer__utf8_from_wide(const wchar_t *w, size_t max_chars, char *out,
			    size_t size, size_t *ret_len);
/* Counts the characters of UTF-8 text; E_INVALIDARG when it is not valid
 * UTF-8 or has more than max_chars. */
HRESULT wer__utf8_check(const char *s, size_t max_chars, size_t *ret_len);

/* registry.c */
extern struct wer_registry wer__registry;

HRESULT wer__registry_set_metadata(const char *key, size_t key_len,
				   const char *value, size_t value_len);
/* An update of a key already registered: S_FALSE when KEY is not (then
 * nothing changed), E_INVALIDARG when VALUE is not valid. KEY needs no
 * check of its own: it equals, byte for byte and its NUL included, a key
 * that was checked when it was registered. */
HRESULT wer__registry_update_metadata(const char *key, const char *value);
HRESULT wer__registry_remove_metadata(const char *key, size_t key_len);
HRESULT wer__registry_get_metadata(const char *key, size_t key_len, char *value,
				   size_t size);
size_t wer__registry_list_metadata(void *pairs, size_t max);
HRESULT wer__registry_set_range(uint32_t kind, uint64_t address, uint64_t size);
HRESULT wer__registry_remove_range(uint32_t kind, uint64_t address);
HRESULT wer__registry_set_file(const char *path, size_t path_len, uint32_t type,
			       uint32_t flags);
HRESULT wer__registry_remove_file(const char *path, size_t path_len);
/* The restart registration (one slot): cmdline is UTF-8, len bytes. */
HRESULT wer__registry_set_restart(const char *cmdline, size_t len,
				  uint32_t flags);
HRESULT wer__registry_remove_restart(void);
/* S_OK and the registration, WER_E_NOT_FOUND, or E_INVALIDARG when size is
 * too small. */
HRESULT wer__registry_get_restart(char *cmdline, size_t size,
				  uint32_t *ret_flags);
HRESULT wer__registry_set_flags(uint32_t flags);
uint32_t wer__registry_flags(void);
size_t wer__registry_metadata_count(void);
size_t wer__registry_entry_count(void);
size_t wer__registry_range_count(uint32_t kind);

/* The application's version (len bytes of validated printable ASCII; 0
 * clears it). */
HRESULT wer__registry_set_app_version(const char *version, size_t len);

/* The native metadata table (wer_set_metadata): sets a pair (a key of
 * WER's table moves here), or removes one (value NULL). WER_S_OK,
 * WER_E_INSUFFICIENT_BUFFER (64 pairs already), WER_E_NOT_FOUND (removing
 * a key that is in neither table). Keys are one namespace: a key set
 * through WER's calls leaves this table. */
HRESULT wer__registry_set_note(const char *key, size_t key_len,
			       const char *value, size_t value_len);
size_t wer__registry_note_count(void);

/* The application's settings for its own crashes (wer_set_report_setting):
 * sets one (settings.h's wer_code_setting_set), publishes them all, and
 * gives them back in *ret (when not NULL). E_INVALIDARG when refused. */
struct wer_code_settings;
HRESULT wer__registry_set_setting(const char *name, const char *value,
				  struct wer_code_settings *ret);
/* crash_setup.c: the crash path's own report goes to store (an absolute
 * path; "" for the store found at load) unless WER_REPORT_DIR says where. */
void wer__crash_use_store(const char *store);

/* The process state (WER_REG_STATE_*). The recovery code sets it; tests use
 * it as the internal switch for application recovery mode. */
void wer__registry_set_state(uint32_t state);
uint32_t wer__registry_state(void);

/* Empties the registry. For tests only: not thread-safe against readers
 * that hold slot indexes. */
void wer__registry_reset(void);

/* Every object of the public API refers to crash_setup.c through this, so
 * that a program linked with libwer.a gets the crash handler whatever it
 * calls: the static linker takes an archive's object only for a symbol
 * something needs, and crash_setup.c's constructor is needed by nobody. */
extern const char wer__crash_setup_anchor;
#define WER_NEEDS_CRASH_SETUP                                                  \
	__attribute__((used)) static const char *const needs_crash_setup =     \
	    &wer__crash_setup_anchor

#endif /* WER_INTERNAL_H */
