/* SPDX-License-Identifier: MIT */
/*
 * wer/base.h - what <wer/wer.h> and <werapi.h> share: the result type and
 * codes, the limits and the flags, all under openwer's own prefixes
 * (wer_, WER_). Nothing here is a Win32 name: <wer/wer.h> includes this
 * alone and leaves BOOL, DWORD, HANDLE, TRUE, FALSE, WINAPI, S_OK and
 * the rest to <werapi.h>, so native code can sit next to X11's
 * <X11/Xmd.h> or an application's own Win32 typedefs.
 *
 * The values are the Windows SDK's where WER has them.
 */
#ifndef WER_BASE_H
#define WER_BASE_H

#include <stddef.h>
#include <stdint.h>

#include <wer/version.h>

/* An HRESULT: >= 0 success, < 0 failure. The same type as <werapi.h>'s
 * HRESULT. */
typedef int32_t wer_result_t;

/* A constant as a wer_result_t: a C cast in C, static_cast in C++ (clean
 * under -Wold-style-cast). */
#ifdef __cplusplus
#define WER_RESULT(x) (static_cast<wer_result_t>(x))
#define WER__U32(x)   (static_cast<uint32_t>(x))
#else
#define WER_RESULT(x) ((wer_result_t)(x))
#define WER__U32(x)   ((uint32_t)(x))
#endif

/* In C++ through a function: no cast at all, so -Wold-style-cast and
 * -Wuseless-cast stay quiet whatever hr's type. */
#ifdef __cplusplus
static inline bool wer__succeeded(wer_result_t hr)
{
	return hr >= 0;
}
#define WER_SUCCEEDED(hr) (wer__succeeded(hr))
#define WER_FAILED(hr)	  (!wer__succeeded(hr))
#else
#define WER_SUCCEEDED(hr) (WER_RESULT(hr) >= 0)
#define WER_FAILED(hr)	  (WER_RESULT(hr) < 0)
#endif

/* ---- Result codes -------------------------------------------------------
 * The native names of S_OK, S_FALSE, E_FAIL, E_INVALIDARG and
 * E_OUTOFMEMORY, and WER's own codes (the same names in both headers). */
#define WER_S_OK	  WER_RESULT(0x00000000u)
#define WER_S_FALSE	  WER_RESULT(0x00000001u)
#define WER_E_FAIL	  WER_RESULT(0x80004005u)
#define WER_E_INVALIDARG  WER_RESULT(0x80070057u)
#define WER_E_OUTOFMEMORY WER_RESULT(0x8007000Eu)

#define WER_E_INSUFFICIENT_BUFFER  WER_RESULT(0x8007007Au)
#define WER_E_NOT_FOUND		   WER_RESULT(0x80070490u)
#define WER_E_INVALID_STATE	   WER_RESULT(0x8007139Fu)
#define WER_E_LENGTH_EXCEEDED	   WER_RESULT(0x80070503u)
#define WER_E_CRASH_FAILURE	   WER_RESULT(0x801B8000u)
#define WER_E_CANCELED		   WER_RESULT(0x801B8001u)
#define WER_E_NETWORK_FAILURE	   WER_RESULT(0x801B8002u)
#define WER_E_NOT_INITIALIZED	   WER_RESULT(0x801B8003u)
#define WER_E_ALREADY_REPORTING	   WER_RESULT(0x801B8004u)
#define WER_E_DUMP_THROTTLED	   WER_RESULT(0x801B8005u)
#define WER_E_INSUFFICIENT_CONSENT WER_RESULT(0x801B8006u)
#define WER_E_TOO_HEAVY		   WER_RESULT(0x801B8007u)

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

/* ---- Flags of the process (WerSetFlags, WerGetFlags) -------------------- */
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

/* ---- Registered files ---------------------------------------------------
 * The type of a registered file (WER's WerRegFileTypeUserDocument and
 * WerRegFileTypeOther), and its flags. */
#define WER_FILE_TYPE_USER_DOCUMENT 1
#define WER_FILE_TYPE_OTHER	    2

#define WER_FILE_DELETE_WHEN_DONE 1
#define WER_FILE_ANONYMOUS_DATA	  2
#define WER_FILE_COMPRESSED	  4

/* ---- Recovery and restart (docs/recovery.md) ---------------------------- */
#define WER_RECOVERY_DEFAULT_PING_INTERVAL 5000		   /* ms */
#define WER_RECOVERY_MAX_PING_INTERVAL	   (5 * 60 * 1000) /* ms */

#define WER_RESTART_MAX_CMD_LINE 1024
#define WER_RESTART_NO_CRASH	 1
#define WER_RESTART_NO_HANG	 2
#define WER_RESTART_NO_PATCH	 4
#define WER_RESTART_NO_REBOOT	 8

#endif /* WER_BASE_H */
