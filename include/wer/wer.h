/* SPDX-License-Identifier: MIT */
/*
 * wer/wer.h - openwer's native API: the registration family in UTF-8.
 *
 * Same rules, limits and return codes as <werapi.h>; both APIs share one
 * registry, so a key registered through one is seen, replaced and
 * unregistered through the other. This header puts no Win32 name into
 * the program (no BOOL, DWORD, HANDLE, TRUE, S_OK...): its codes are
 * <wer/base.h>'s WER_S_OK, WER_E_INVALIDARG and so on, the same values.
 * Include <werapi.h> as well for WER's own calls and names. A "character" is a
 * Unicode character in both: 64 two-byte UTF-8 letters are a valid key.
 * Invalid UTF-8 is WER_E_INVALIDARG.
 *
 * Every function here is thread-safe, none allocates heap memory and none is
 * async-signal-safe.
 */
#ifndef WER_WER_H
#define WER_WER_H

#include <wer/base.h>

#ifdef __cplusplus
extern "C" {
#endif

wer_result_t wer_register_custom_metadata(const char *key, const char *value);
wer_result_t wer_unregister_custom_metadata(const char *key);
/* type: WER_FILE_TYPE_USER_DOCUMENT or WER_FILE_TYPE_OTHER (WER's
 * WerRegFileType* values); flags: WER_FILE_*. */
wer_result_t wer_register_file(const char *path, int type, uint32_t flags);
wer_result_t wer_unregister_file(const char *path);

/* ---- Metadata beyond WER's limits (docs/api.md, "Two tables") ---------
 * wer_register_custom_metadata and WerRegisterCustomMetadata keep WER's
 * contract: 8 pairs, values of 128 printable ASCII characters. For more,
 * wer_set_metadata keeps up to WER_NATIVE_METADATA_MAX further pairs with
 * values of up to WER_NATIVE_METADATA_VALUE_MAX_BYTES bytes of UTF-8
 * (no control characters); keys follow the same rules (XML names of at
 * most 64 characters). Both kinds are one namespace: setting a key
 * through either moves it there, and go into the same report, the same
 * minidump annotations and the same uploads. A NULL value removes the key
 * (from either table). WER's calls count and fail as before: these pairs
 * are not in wer_registered_metadata_count, nor among
 * WER_MAX_REGISTERED_ENTRIES. WER_S_OK, WER_E_INVALIDARG,
 * WER_E_INSUFFICIENT_BUFFER (64 pairs here already), WER_E_NOT_FOUND
 * (removing an unknown key), WER_E_INVALID_STATE (in recovery).
 * wer_get_custom_metadata reads either kind; wer_list_custom_metadata
 * lists WER's. Thread-safe; no allocation; not async-signal-safe. */
#define WER_NATIVE_METADATA_MAX		    64
#define WER_NATIVE_METADATA_VALUE_MAX_BYTES 256
wer_result_t wer_set_metadata(const char *key, const char *value);
/* Pairs registered of both kinds. */
size_t wer_metadata_count(void);

/* Room for the longest key (64 characters of up to 4 UTF-8 bytes) and the
 * longest value, each with its terminating NUL. */
#define WER_METADATA_KEY_MAX_BYTES   (4 * WER_METADATA_KEY_MAX_LENGTH)
#define WER_METADATA_VALUE_MAX_BYTES WER_METADATA_VALUE_MAX_LENGTH

typedef struct wer_metadata_pair {
	char key[WER_METADATA_KEY_MAX_BYTES + 1];
	char value[WER_METADATA_VALUE_MAX_BYTES + 1];
} wer_metadata_pair_t;

/* The application's version, as its reports' "Application Version"
 * (Sig[1]): "2.4.1", "nightly-42"; 1..128 printable ASCII characters
 * (a metadata value's rules); NULL or "" forgets it. Without it, werfault
 * takes the version from the executable's ELF .note.package, else from
 * the package database (dpkg) that installed it (docs/report.md).
 * WER_S_OK, WER_E_INVALIDARG or WER_E_INVALID_STATE (in recovery).
 * Windows has no such call: WER takes the version from the executable's
 * version resource. Thread-safe; no allocation; not async-signal-safe. */
wer_result_t wer_set_application_version(const char *version);

/* Settings this program sets for its own crashes, at start-up, as WER
 * keeps LocalDumps settings per executable:
 *   "UploadURL"     where its reports are sent (http:// or https://);
 *   "ConsentLevel"  "1" ask (keep them) .. "4" send everything;
 *   "DumpType"      "1" or "mini", "2" or "full";
 *   "Store"         the directory its reports are written to (absolute).
 * name as in the settings files (case does not matter); a NULL or empty
 * value unsets it. They rank over the settings files' top lines and
 * under their [app NAME] sections, the environment and the
 * administrator's [policy] in /etc/openwer/wer.conf, which nothing
 * overrides (docs/settings.md, "Precedence"). A crash only root may read
 * (a set-id program's) ignores them. WER_S_OK, WER_E_INVALIDARG (an
 * unknown name, a value a settings file would refuse) or
 * WER_E_INVALID_STATE (in recovery). Windows has no such call: WER reads
 * LocalDumps from the registry. Thread-safe; no allocation; not
 * async-signal-safe. */
wer_result_t wer_set_report_setting(const char *name, const char *value);

/* Copies the registered metadata into pairs (at most max of them, in slot
 * order) and returns how many pairs are registered, which may exceed max.
 * The caller owns pairs. */
size_t wer_list_custom_metadata(wer_metadata_pair_t *pairs, size_t max);

/* Copies the value registered for key into value (size bytes, NUL
 * terminated). WER_S_OK, WER_E_INVALIDARG (bad key, NULL value or size too
 * small for the value), or WER_E_NOT_FOUND. */
wer_result_t wer_get_custom_metadata(const char *key, char *value, size_t size);

/* Counts of what is registered: metadata pairs, and entries of every kind
 * (metadata included) out of WER_MAX_REGISTERED_ENTRIES. */
size_t wer_registered_metadata_count(void);
size_t wer_registered_entry_count(void);

/* Crash reporting is on from the moment libwer is loaded (linked, or
 * LD_PRELOADed) unless WER_DISABLE=1 is in the environment. Turning it off
 * puts back the signal handlers that were installed before libwer's;
 * turning it on again installs libwer's over whatever is there then
 * (keeping those to chain to). WER_S_OK, or WER_E_FAIL when a handler
 * could not be installed. Thread-safe; not async-signal-safe. */
wer_result_t wer_set_crash_reporting(int enabled);
int wer_crash_reporting_enabled(void);

/* ---- Recovery and restart (docs/recovery.md) -----------------------------
 * The native names of <wer/recovery.h>'s calls, with the same rules. */

/* RegisterApplicationRecoveryCallback: callback runs with parameter after
 * a crash, once the report is in the store; it pings with
 * wer_recovery_in_progress at least every ping_interval_ms (0 for
 * WER_RECOVERY_DEFAULT_PING_INTERVAL) and ends with
 * wer_recovery_finished. */
typedef uint32_t (*wer_recovery_callback_t)(void *parameter);
wer_result_t wer_register_recovery_callback(wer_recovery_callback_t callback,
					    void *parameter,
					    uint32_t ping_interval_ms);
wer_result_t wer_unregister_recovery_callback(void);
/* ApplicationRecoveryInProgress: *cancelled is set to 0. */
wer_result_t wer_recovery_in_progress(int *cancelled);
/* ApplicationRecoveryFinished. */
void wer_recovery_finished(int success);

/* RegisterApplicationRestart with a UTF-8 command line (at most
 * WER_RESTART_MAX_CMD_LINE characters; NULL for none); flags:
 * WER_RESTART_NO_*. */
wer_result_t wer_register_application_restart(const char *cmdline,
					      uint32_t flags);
wer_result_t wer_unregister_application_restart(void);

/* No minidump in the report (only Report.wer, the stacks' text, the
 * metadata): nothing stops the process's threads. */
#define WER_REPORT_NOW_NO_DUMP 1u

/* "Report this and keep running" (an assertion that should be reported, a
 * detected hang): writes a report of event type event_type (as
 * WerReportCreate's) into the store, with message (NULL, or at most
 * WER_MAX_PARAM_LENGTH characters of UTF-8) as its parameter 0 "Message",
 * the registered metadata, files and memory blocks, and a minidump of the
 * process taken while it runs (its threads are stopped for the capture,
 * a few milliseconds, and resumed). Returns when the report is in the
 * store: WER_S_OK; WER_S_FALSE when reporting is disabled (Disabled=1);
 * WER_E_FAIL when werfault failed; WER_E_INVALIDARG; WER_E_OUTOFMEMORY.
 * Thread-safe (reports are taken one at a time); allocates; not
 * async-signal-safe. */
wer_result_t wer_report_now(const char *event_type, const char *message,
			    uint32_t flags);

#ifdef __cplusplus
}
#endif

#endif /* WER_WER_H */
