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

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Win32 types ------------------------------------------------------- */
#ifndef WER_NO_WIN32_TYPES
#ifndef WINAPI
#define WINAPI
#endif
typedef int32_t HRESULT;
typedef uint32_t DWORD;
typedef DWORD *PDWORD;
typedef int BOOL;
typedef BOOL *PBOOL;
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

/* The pseudo-handle of the calling process, as on Windows. */
#ifndef GetCurrentProcess
#define GetCurrentProcess() ((HANDLE)(intptr_t)-1)
#endif
/* The pseudo-handle of the calling thread, as on Windows. */
#ifndef GetCurrentThread
#define GetCurrentThread() ((HANDLE)(intptr_t)-2)
#endif

/* ---- Return codes ------------------------------------------------------ */
#ifndef SUCCEEDED
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#endif
#ifndef FAILED
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#endif
#ifndef HRESULT_FROM_WIN32
#define HRESULT_FROM_WIN32(x)                                                  \
	((HRESULT)(x) <= 0 ? (HRESULT)(x)                                      \
			   : (HRESULT)((((uint32_t)(x)) & 0x0000FFFFu) |       \
				       (7u << 16) | 0x80000000u))
#endif

#define ERROR_INSUFFICIENT_BUFFER 122L
#define ERROR_NOT_FOUND		  1168L
#define ERROR_INVALID_STATE	  5023L

#define S_OK	      ((HRESULT)0x00000000)
#define S_FALSE	      ((HRESULT)0x00000001)
#define E_FAIL	      ((HRESULT)0x80004005u)
#define E_INVALIDARG  ((HRESULT)0x80070057u)
#define E_OUTOFMEMORY ((HRESULT)0x8007000Eu)

#define WER_E_INSUFFICIENT_BUFFER  ((HRESULT)0x8007007Au)
#define WER_E_NOT_FOUND		   ((HRESULT)0x80070490u)
#define WER_E_INVALID_STATE	   ((HRESULT)0x8007139Fu)
#define WER_E_LENGTH_EXCEEDED	   ((HRESULT)0x80070503u)
#define WER_E_CRASH_FAILURE	   ((HRESULT)0x801B8000u)
#define WER_E_CANCELED		   ((HRESULT)0x801B8001u)
#define WER_E_NETWORK_FAILURE	   ((HRESULT)0x801B8002u)
#define WER_E_NOT_INITIALIZED	   ((HRESULT)0x801B8003u)
#define WER_E_ALREADY_REPORTING	   ((HRESULT)0x801B8004u)
#define WER_E_DUMP_THROTTLED	   ((HRESULT)0x801B8005u)
#define WER_E_INSUFFICIENT_CONSENT ((HRESULT)0x801B8006u)
#define WER_E_TOO_HEAVY		   ((HRESULT)0x801B8007u)

/* ---- Limits (values of the Windows SDK) -------------------------------- */
#define WER_MAX_REGISTERED_ENTRIES		     512
#define WER_MAX_REGISTERED_METADATA		     8
#define WER_METADATA_KEY_MAX_LENGTH		     64
#define WER_METADATA_VALUE_MAX_LENGTH		     128
#define WER_MAX_MEM_BLOCK_SIZE			     (64 * 1024)
#define WER_MAX_REGISTERED_DUMPCOLLECTION	     4
#define WER_MAX_REGISTERED_RUNTIME_EXCEPTION_MODULES 16
#define WER_MAX_PARAM_COUNT			     10
#define WER_MAX_PARAM_LENGTH			     260
#define WER_MAX_PREFERRED_MODULES		     128
#define WER_MAX_PREFERRED_MODULES_BUFFER	     256

/* openwer's own limit: bytes of a registered file's absolute path (UTF-8,
 * without the terminating NUL), Linux's PATH_MAX less one. */
#define WER_MAX_FILE_PATH_BYTES 4095

/* ---- WerSetFlags / WerGetFlags ------------------------------------------ */
#define WER_FAULT_REPORTING_FLAG_NOHEAP			   1
#define WER_FAULT_REPORTING_FLAG_QUEUE			   2
#define WER_FAULT_REPORTING_FLAG_DISABLE_THREAD_SUSPENSION 4
#define WER_FAULT_REPORTING_FLAG_QUEUE_UPLOAD		   8
#define WER_FAULT_REPORTING_ALWAYS_SHOW_UI		   16
#define WER_FAULT_REPORTING_NO_UI			   32
#define WER_FAULT_REPORTING_FLAG_NO_HEAP_ON_QUEUE	   64
#define WER_FAULT_REPORTING_DISABLE_SNAPSHOT_CRASH	   128
#define WER_FAULT_REPORTING_DISABLE_SNAPSHOT_HANG	   256
#define WER_FAULT_REPORTING_CRITICAL			   512
#define WER_FAULT_REPORTING_DURABLE			   1024

/* ---- WerRegisterFile ----------------------------------------------------- */
typedef enum _WER_REGISTER_FILE_TYPE {
	WerRegFileTypeUserDocument = 1,
	WerRegFileTypeOther = 2,
	WerRegFileTypeMax
} WER_REGISTER_FILE_TYPE;

#define WER_FILE_DELETE_WHEN_DONE 1
#define WER_FILE_ANONYMOUS_DATA	  2
#define WER_FILE_COMPRESSED	  4

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
HRESULT WINAPI WerRegisterCustomMetadata(PCWSTR key, PCWSTR value);
HRESULT WINAPI WerUnregisterCustomMetadata(PCWSTR key);

/* address non-NULL, size 1..WER_MAX_MEM_BLOCK_SIZE bytes, else E_INVALIDARG.
 * The memory is read when the process crashes; it must stay valid (or be
 * unregistered) for as long as it is registered. */
HRESULT WINAPI WerRegisterMemoryBlock(PVOID address, DWORD size);
HRESULT WINAPI WerUnregisterMemoryBlock(PVOID address);

/* Memory kept out of every report. address non-NULL and size > 0, else
 * E_INVALIDARG; there is no upper bound on size. */
HRESULT WINAPI WerRegisterExcludedMemoryBlock(const void *address, DWORD size);
HRESULT WINAPI WerUnregisterExcludedMemoryBlock(const void *address);

/* A file copied into the report. A relative path is resolved against the
 * working directory at the time of the call. type is WerRegFileTypeUserDocument
 * or WerRegFileTypeOther; flags a combination of WER_FILE_*. */
HRESULT WINAPI WerRegisterFile(PCWSTR path, WER_REGISTER_FILE_TYPE type,
			       DWORD flags);
HRESULT WINAPI WerUnregisterFile(PCWSTR path);

/* flags: a combination of WER_FAULT_REPORTING_*; unknown bits are
 * E_INVALIDARG. WerGetFlags accepts only GetCurrentProcess(). */
HRESULT WINAPI WerSetFlags(DWORD flags);
HRESULT WINAPI WerGetFlags(HANDLE process, PDWORD ret_flags);

/* Another process (pid, and a thread of it, or 0) whose dump should be
 * collected with this process's report; at most
 * WER_MAX_REGISTERED_DUMPCOLLECTION of them. pid 0 is E_INVALIDARG. */
HRESULT WINAPI WerRegisterAdditionalProcess(DWORD pid, DWORD tid);
HRESULT WINAPI WerUnregisterAdditionalProcess(DWORD pid);

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
	DWORD dwSize; /* sizeof(WER_REPORT_INFORMATION) */
	HANDLE hProcess;
	WCHAR wzConsentKey[64];
	WCHAR wzFriendlyEventName[WER_MAX_FRIENDLY_EVENT_NAME];
	WCHAR wzApplicationName[WER_MAX_APPLICATION_NAME_LENGTH];
	WCHAR wzApplicationPath[WER_MAX_PATH_LENGTH];
	WCHAR wzDescription[WER_MAX_DESCRIPTION_LENGTH];
	HANDLE hwndParent;
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
	BOOL bClientPointers;
} WER_EXCEPTION_INFORMATION, *PWER_EXCEPTION_INFORMATION;

typedef struct _WER_DUMP_CUSTOM_OPTIONS {
	DWORD dwSize;
	DWORD dwMask;
	DWORD dwDumpFlags;
	BOOL bOnlyThisThread;
	DWORD dwExceptionThreadFlags;
	DWORD dwOtherThreadFlags;
	DWORD dwExceptionThreadExFlags;
	DWORD dwOtherThreadExFlags;
	DWORD dwPreferredModuleFlags;
	DWORD dwOtherModuleFlags;
	WCHAR wzPreferredModuleList[WER_MAX_PREFERRED_MODULES_BUFFER];
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
HRESULT WINAPI WerReportCreate(PCWSTR eventType, WER_REPORT_TYPE repType,
			       PWER_REPORT_INFORMATION info,
			       HREPORT *ret_report);

/* Parameter index (0..WER_MAX_PARAM_COUNT-1) of the report's signature:
 * name NULL means "P<index>"; name and value at most WER_MAX_PARAM_LENGTH
 * characters, value non-NULL. Setting an index again replaces it. */
HRESULT WINAPI WerReportSetParameter(HREPORT report, DWORD index, PCWSTR name,
				     PCWSTR value);

/* A file copied into the report when it is submitted (at most
 * WER_MAX_REPORT_FILES; relative paths resolved now). type: a WER_FILE_TYPE;
 * flags: WER_FILE_*. */
HRESULT WINAPI WerReportAddFile(HREPORT report, PCWSTR path, WER_FILE_TYPE type,
				DWORD flags);

/* Asks for a minidump of the calling process, taken at submission while
 * it keeps running. process must be GetCurrentProcess() (openwer dumps
 * only the calling process); thread NULL or GetCurrentThread() (the
 * submitting thread is listed first); dumpType WerDumpTypeMicroDump ..
 * WerDumpTypeTriageDump (WerDumpTypeHeapDump: every private mapping, like
 * DumpType=2); exception and custom options are accepted and ignored;
 * flags: WER_DUMP_*. */
HRESULT WINAPI WerReportAddDump(HREPORT report, HANDLE process, HANDLE thread,
				WER_DUMP_TYPE dumpType,
				PWER_EXCEPTION_INFORMATION exception,
				PWER_DUMP_CUSTOM_OPTIONS options, DWORD flags);

/* Writes the report into the store and waits until it is there (werfault
 * does the work; the process keeps running). consent: a WER_CONSENT;
 * WerConsentDenied writes nothing (S_OK, WerDisabled). flags:
 * WER_SUBMIT_*; with
 * WER_SUBMIT_ADD_REGISTERED_DATA the registered metadata, memory blocks
 * and files go into the report too. *ret_result (may be NULL):
 * WerReportQueued, WerDisabled (reporting is disabled, or consent was
 * denied) or WerReportFailed (then the return is E_FAIL). */
HRESULT WINAPI WerReportSubmit(HREPORT report, WER_CONSENT consent, DWORD flags,
			       PWER_SUBMIT_RESULT ret_result);

/* Frees the report. NULL or an already closed report: E_INVALIDARG. */
HRESULT WINAPI WerReportCloseHandle(HREPORT report);

#ifdef __cplusplus
}
#endif

#endif /* WERAPI_H */
