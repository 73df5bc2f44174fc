/* SPDX-License-Identifier: MIT */
/*
 * werapi.h - Windows Error Reporting's application API, for Linux.
 *
 * Source-compatible with Windows code that calls the registration family
 * (WerRegisterCustomMetadata and friends): the Win32 types, return codes and
 * limits carry the values of the Windows SDK. Strings are wide (wchar_t,
 * UTF-32 on Linux) so that L"..." literals work unchanged; the native UTF-8
 * API is <wer/wer.h>, and both share one registry.
 *
 * Every function here is thread-safe (a report handle is used by one thread
 * at a time). None is async-signal-safe: do not call them from a signal
 * handler. The registration family allocates no heap memory; the report
 * calls (WerReport*) do.
 */
#ifndef WERAPI_H
#define WERAPI_H

#include <stddef.h>
#include <stdint.h>
#include <wchar.h>

#include <wer/base.h>

#ifdef __cplusplus
extern "C" {
#endif

/* openwer's wide strings are wchar_t, 32-bit on Linux. A program built
 * with -fshort-wchar has 16-bit L"..." literals that libwer would read
 * wrongly: refuse it here, not with E_INVALIDARG on every call. */
#if defined(__WCHAR_MAX__) && __WCHAR_MAX__ <= 0xFFFF
#error                                                                         \
    "werapi.h: wchar_t is 16-bit here (-fshort-wchar?), openwer's wide strings are 32-bit UTF-32 on Linux: build without -fshort-wchar, or use the UTF-8 API of <wer/wer.h>"
#endif

/* ---- Win32 names -------------------------------------------------------
 * The Win32 types and codes that WER's calls are written with. Every
 * declaration below uses plain C types (int32_t, uint32_t, int, void *,
 * wchar_t), so these names are a convenience for ported code, defined as
 * the Win32 headers of LP64 compilers define them: an application's own
 * compatibility header with the same definitions may come before or after
 * this one. One whose definitions differ defines WER_NO_WIN32_TYPES first
 * and keeps its own. X11's <X11/Xmd.h> has a BOOL of its own (unsigned
 * char): include it first, or define WER_NO_WIN32_BOOL, and werapi.h
 * leaves BOOL to it. */
#ifndef WER_NO_WIN32_TYPES
#ifndef WINAPI
#define WINAPI
#endif
typedef int32_t HRESULT;
typedef uint32_t DWORD;
typedef DWORD *PDWORD;
#if !defined(XMD_H) && !defined(WER_NO_WIN32_BOOL)
typedef int BOOL;
typedef BOOL *PBOOL;
#endif
typedef void *PVOID;
typedef void *HANDLE;
typedef wchar_t WCHAR;
typedef const wchar_t *PCWSTR;
typedef wchar_t *PWSTR;
#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif
#endif /* WER_NO_WIN32_TYPES */

/* The pseudo-handles of the calling process and thread, as on Windows. */
#ifdef __cplusplus
#define WER__PSEUDO_HANDLE(n)                                                  \
	(reinterpret_cast<void *>(static_cast<intptr_t>(n)))
#else
#define WER__PSEUDO_HANDLE(n) ((void *)(intptr_t)(n))
#endif
#ifndef GetCurrentProcess
#define GetCurrentProcess() WER__PSEUDO_HANDLE(-1)
#endif
#ifndef GetCurrentThread
#define GetCurrentThread() WER__PSEUDO_HANDLE(-2)
#endif

/* ---- Return codes ------------------------------------------------------ */
#ifndef SUCCEEDED
#define SUCCEEDED(hr) WER_SUCCEEDED(hr)
#endif
#ifndef FAILED
#define FAILED(hr) WER_FAILED(hr)
#endif
#ifndef HRESULT_FROM_WIN32
#define HRESULT_FROM_WIN32(x)                                                  \
	(WER_RESULT(x) <= 0 ? WER_RESULT(x)                                    \
			    : WER_RESULT((WER__U32(x) & 0x0000FFFFu) |         \
					 (7u << 16) | 0x80000000u))
#endif

#ifndef ERROR_INSUFFICIENT_BUFFER
#define ERROR_INSUFFICIENT_BUFFER 122L
#endif
#ifndef ERROR_NOT_FOUND
#define ERROR_NOT_FOUND 1168L
#endif
#ifndef ERROR_INVALID_STATE
#define ERROR_INVALID_STATE 5023L
#endif

#ifndef S_OK
#define S_OK WER_S_OK
#endif
#ifndef S_FALSE
#define S_FALSE WER_S_FALSE
#endif
#ifndef E_FAIL
#define E_FAIL WER_E_FAIL
#endif
#ifndef E_INVALIDARG
#define E_INVALIDARG WER_E_INVALIDARG
#endif
#ifndef E_OUTOFMEMORY
#define E_OUTOFMEMORY WER_E_OUTOFMEMORY
#endif

/* ---- WerRegisterFile ----------------------------------------------------- */
typedef enum _WER_REGISTER_FILE_TYPE {
	WerRegFileTypeUserDocument = WER_FILE_TYPE_USER_DOCUMENT,
	WerRegFileTypeOther = WER_FILE_TYPE_OTHER,
	WerRegFileTypeMax
} WER_REGISTER_FILE_TYPE;

/* ---- The registration family --------------------------------------------
 * Every registration call returns WER_E_INVALID_STATE while the process is
 * in application recovery mode. All registrations (metadata, memory blocks,
 * excluded memory blocks, files, additional processes) share one pool of
 * WER_MAX_REGISTERED_ENTRIES; once it is full, or once
 * WER_MAX_REGISTERED_METADATA pairs are registered, a new registration
 * returns HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER). Registering what is
 * already registered (same key, same address, same path) replaces it in
 * place and uses no new entry. Unregistering what is not registered returns
 * WER_E_NOT_FOUND. See docs/api.md for every rule.
 */

/* key: 1..64 characters, an XML 1.0 element name without ':'.
 * value: 0..128 characters of printable ASCII (0x20..0x7E).
 * Returns S_OK, E_INVALIDARG, WER_E_INSUFFICIENT_BUFFER or
 * WER_E_INVALID_STATE. The strings are copied; the caller keeps ownership. */
wer_result_t WerRegisterCustomMetadata(const wchar_t *key,
				       const wchar_t *value);
wer_result_t WerUnregisterCustomMetadata(const wchar_t *key);

/* address non-NULL, size 1..WER_MAX_MEM_BLOCK_SIZE bytes, else E_INVALIDARG.
 * The memory is read when the process crashes; it must stay valid (or be
 * unregistered) for as long as it is registered. */
wer_result_t WerRegisterMemoryBlock(void *address, uint32_t size);
wer_result_t WerUnregisterMemoryBlock(void *address);

/* Memory kept out of every report. address non-NULL and size > 0, else
 * E_INVALIDARG; there is no upper bound on size. */
wer_result_t WerRegisterExcludedMemoryBlock(const void *address, uint32_t size);
wer_result_t WerUnregisterExcludedMemoryBlock(const void *address);

/* A file copied into the report. A relative path is resolved against the
 * working directory at the time of the call. type is WerRegFileTypeUserDocument
 * or WerRegFileTypeOther; flags a combination of WER_FILE_*. */
wer_result_t WerRegisterFile(const wchar_t *path, WER_REGISTER_FILE_TYPE type,
			     uint32_t flags);
wer_result_t WerUnregisterFile(const wchar_t *path);

/* flags: a combination of WER_FAULT_REPORTING_*; unknown bits are
 * E_INVALIDARG. WerGetFlags accepts only GetCurrentProcess(). */
wer_result_t WerSetFlags(uint32_t flags);
wer_result_t WerGetFlags(void *process, uint32_t *ret_flags);

/* Another process (pid, and a thread of it, or 0) whose dump should be
 * collected with this process's report; at most
 * WER_MAX_REGISTERED_DUMPCOLLECTION of them. pid 0 is E_INVALIDARG. */
wer_result_t WerRegisterAdditionalProcess(uint32_t pid, uint32_t tid);
wer_result_t WerUnregisterAdditionalProcess(uint32_t pid);

/* ---- Reports without a crash ----------------------------------------------
 * An application files a report of a problem that did not crash it (an
 * assertion, a detected hang): create a report, give it up to
 * WER_MAX_PARAM_COUNT parameters (its signature), files and a dump of the
 * process, and submit it. werfault writes it into the same store as crash
 * reports, under its own event type; a dump is taken while the process
 * keeps running (its threads are stopped for the capture and resumed).
 * These calls allocate heap memory (a report lives until it is closed);
 * they are thread-safe for different reports, a report is used by one
 * thread at a time; none is async-signal-safe. docs/api.md has every rule.
 */
typedef void *HREPORT;
typedef HREPORT *PHREPORT;

#define WER_MAX_EVENT_NAME_LENGTH	64 /* openwer's bound on event types */
#define WER_MAX_FRIENDLY_EVENT_NAME	128
#define WER_MAX_APPLICATION_NAME_LENGTH 128
#define WER_MAX_DESCRIPTION_LENGTH	512
#define WER_MAX_PATH_LENGTH		260
#define WER_MAX_REPORT_FILES		32 /* openwer's bound per report */

typedef enum _WER_REPORT_TYPE {
	WerReportNonCritical = 0,
	WerReportCritical = 1,
	WerReportApplicationCrash = 2,
	WerReportApplicationHang = 3,
	WerReportKernel = 4,
	WerReportInvalid
} WER_REPORT_TYPE;

typedef struct _WER_REPORT_INFORMATION {
	uint32_t dwSize; /* sizeof(WER_REPORT_INFORMATION) */
	void *hProcess;
	wchar_t wzConsentKey[64];
	wchar_t wzFriendlyEventName[WER_MAX_FRIENDLY_EVENT_NAME];
	wchar_t wzApplicationName[WER_MAX_APPLICATION_NAME_LENGTH];
	wchar_t wzApplicationPath[WER_MAX_PATH_LENGTH];
	wchar_t wzDescription[WER_MAX_DESCRIPTION_LENGTH];
	void *hwndParent;
} WER_REPORT_INFORMATION, *PWER_REPORT_INFORMATION;

typedef enum _WER_FILE_TYPE {
	WerFileTypeMicrodump = 1,
	WerFileTypeMinidump = 2,
	WerFileTypeHeapdump = 3,
	WerFileTypeUserDocument = 4,
	WerFileTypeOther = 5,
	WerFileTypeTriagedump = 6,
	WerFileTypeCustomDump = 7,
	WerFileTypeAuxiliaryDump = 8,
	WerFileTypeEtlTrace = 9,
	WerFileTypeMax
} WER_FILE_TYPE;

typedef enum _WER_DUMP_TYPE {
	WerDumpTypeNone = 0,
	WerDumpTypeMicroDump = 1,
	WerDumpTypeMiniDump = 2,
	WerDumpTypeHeapDump = 3,
	WerDumpTypeTriageDump = 4,
	WerDumpTypeMax = 5
} WER_DUMP_TYPE;

#define WER_DUMP_NOHEAP_ONQUEUE 1
#define WER_DUMP_AUXILIARY	2

/* Windows passes EXCEPTION_POINTERS here; Linux has no structured
 * exceptions, so openwer accepts the structure and ignores it. */
typedef struct _WER_EXCEPTION_INFORMATION {
	void *pExceptionPointers;
	int bClientPointers;
} WER_EXCEPTION_INFORMATION, *PWER_EXCEPTION_INFORMATION;

typedef struct _WER_DUMP_CUSTOM_OPTIONS {
	uint32_t dwSize;
	uint32_t dwMask;
	uint32_t dwDumpFlags;
	int bOnlyThisThread;
	uint32_t dwExceptionThreadFlags;
	uint32_t dwOtherThreadFlags;
	uint32_t dwExceptionThreadExFlags;
	uint32_t dwOtherThreadExFlags;
	uint32_t dwPreferredModuleFlags;
	uint32_t dwOtherModuleFlags;
	wchar_t wzPreferredModuleList[WER_MAX_PREFERRED_MODULES_BUFFER];
} WER_DUMP_CUSTOM_OPTIONS, *PWER_DUMP_CUSTOM_OPTIONS;

typedef enum _WER_CONSENT {
	WerConsentNotAsked = 1,
	WerConsentApproved = 2,
	WerConsentDenied = 3,
	WerConsentAlwaysPrompt = 4,
	WerConsentMax
} WER_CONSENT;

typedef enum _WER_SUBMIT_RESULT {
	WerReportQueued = 1,
	WerReportUploaded = 2,
	WerDisabled = 3,
	WerReportFailed = 4,
	WerDisabledQueue = 5,
	WerReportAsync = 6,
	WerCustomAction = 7,
	WerThrottled = 8,
	WerReportUploadedCab = 9,
	WerStorageLocationNotFound = 10,
	WerSubmitResultMax
} WER_SUBMIT_RESULT,
    *PWER_SUBMIT_RESULT;

#define WER_SUBMIT_HONOR_RECOVERY		  1
#define WER_SUBMIT_HONOR_RESTART		  2
#define WER_SUBMIT_QUEUE			  4
#define WER_SUBMIT_SHOW_DEBUG			  8
#define WER_SUBMIT_ADD_REGISTERED_DATA		  16
#define WER_SUBMIT_OUTOFPROCESS			  32
#define WER_SUBMIT_NO_CLOSE_UI			  64
#define WER_SUBMIT_NO_QUEUE			  128
#define WER_SUBMIT_NO_ARCHIVE			  256
#define WER_SUBMIT_START_MINIMIZED		  512
#define WER_SUBMIT_OUTOFPROCESS_ASYNC		  1024
#define WER_SUBMIT_BYPASS_DATA_THROTTLING	  2048
#define WER_SUBMIT_ARCHIVE_PARAMETERS_ONLY	  4096
#define WER_SUBMIT_REPORT_MACHINE_ID		  8192
#define WER_SUBMIT_BYPASS_POWER_THROTTLING	  16384
#define WER_SUBMIT_BYPASS_NETWORK_COST_THROTTLING 32768

/* eventType: 1..WER_MAX_EVENT_NAME_LENGTH printable ASCII characters
 * without spaces (it names the report's directory). repType: a
 * WER_REPORT_TYPE below WerReportInvalid. info: NULL, or dwSize ==
 * sizeof(WER_REPORT_INFORMATION). S_OK and *ret_report (the caller owns it:
 * WerReportCloseHandle), E_INVALIDARG or E_OUTOFMEMORY. */
wer_result_t WerReportCreate(const wchar_t *eventType, WER_REPORT_TYPE repType,
			     PWER_REPORT_INFORMATION info, HREPORT *ret_report);

/* Parameter index (0..WER_MAX_PARAM_COUNT-1) of the report's signature:
 * name NULL means "P<index>"; name and value at most WER_MAX_PARAM_LENGTH
 * characters, value non-NULL. Setting an index again replaces it. */
wer_result_t WerReportSetParameter(HREPORT report, uint32_t index,
				   const wchar_t *name, const wchar_t *value);

/* A file copied into the report when it is submitted (at most
 * WER_MAX_REPORT_FILES; relative paths resolved now). type: a WER_FILE_TYPE;
 * flags: WER_FILE_*. */
wer_result_t WerReportAddFile(HREPORT report, const wchar_t *path,
			      WER_FILE_TYPE type, uint32_t flags);

/* Asks for a minidump of the calling process, taken at submission while
 * it keeps running. process must be GetCurrentProcess() (openwer dumps
 * only the calling process); thread NULL or GetCurrentThread() (the
 * submitting thread is listed first); dumpType WerDumpTypeMicroDump ..
 * WerDumpTypeTriageDump (WerDumpTypeHeapDump: every private mapping, like
 * DumpType=2); exception and custom options are accepted and ignored;
 * flags: WER_DUMP_*. */
wer_result_t WerReportAddDump(HREPORT report, void *process, void *thread,
			      WER_DUMP_TYPE dumpType,
			      PWER_EXCEPTION_INFORMATION exception,
			      PWER_DUMP_CUSTOM_OPTIONS options, uint32_t flags);

/* Writes the report into the store and waits until it is there (werfault
 * does the work; the process keeps running). consent: a WER_CONSENT;
 * WerConsentDenied writes nothing (S_OK, WerDisabled). flags:
 * WER_SUBMIT_*; with
 * WER_SUBMIT_ADD_REGISTERED_DATA the registered metadata, memory blocks
 * and files go into the report too. *ret_result (may be NULL):
 * WerReportQueued, WerDisabled (reporting is disabled, or consent was
 * denied) or WerReportFailed (then the return is E_FAIL). */
wer_result_t WerReportSubmit(HREPORT report, WER_CONSENT consent,
			     uint32_t flags, PWER_SUBMIT_RESULT ret_result);

/* Frees the report. NULL or an already closed report: E_INVALIDARG. */
wer_result_t WerReportCloseHandle(HREPORT report);

#ifdef __cplusplus
}
#endif

#endif /* WERAPI_H */
