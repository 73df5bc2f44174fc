/* SPDX-License-Identifier: MIT */
/*
 * api.c - the public registration family, wide (werapi.h) and UTF-8
 * (wer/wer.h). Each call checks the recovery state, validates its arguments
 * into stack buffers, and hands bytes to the registry. No heap allocation.
 */
#include <sched.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "settings.h"
#include "wer/wer.h"
#include "wer_internal.h"

WER_NEEDS_CRASH_SETUP;

#define FILE_FLAGS_KNOWN  (WER_FILE_DELETE_WHEN_DONE | WER_FILE_ANONYMOUS_DATA)
#define FAULT_FLAGS_KNOWN 0x7FFu /* WER_FAULT_REPORTING_* up to DURABLE */

static int in_recovery(void)
{
	return wer__registry_state() == WER_REG_STATE_RECOVERY;
}

/* ---- metadata ----------------------------------------------------------- */

WER_EXPORT HRESULT WINAPI WerRegisterCustomMetadata(PCWSTR key, PCWSTR value)
{
	char k[WER_REG_KEY_BYTES + 1], v[WER_REG_VALUE_BYTES + 1];
	size_t klen, vlen;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__key_from_wide(key, k, &klen)) != S_OK ||
	    (hr = wer__value_from_wide(value, v, &vlen)) != S_OK)
		return hr;
	return wer__registry_set_metadata(k, klen, v, vlen);
}

WER_EXPORT HRESULT WINAPI WerUnregisterCustomMetadata(PCWSTR key)
{
	char k[WER_REG_KEY_BYTES + 1];
	size_t klen;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__key_from_wide(key, k, &klen)) != S_OK)
		return hr;
	return wer__registry_remove_metadata(k, klen);
}

WER_EXPORT HRESULT wer_register_custom_metadata(const char *key,
						const char *value)
{
	size_t klen, vlen;
	HRESULT hr;

	/* The common case, a key updated again: found by comparing it with
	 * the registered keys, which were checked (in recovery mode, it
	 * refuses). */
	if (key && value &&
	    (hr = wer__registry_update_metadata(key, value)) != S_FALSE)
		return hr;
	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__key_check(key, &klen)) != S_OK ||
	    (hr = wer__value_check(value, &vlen)) != S_OK)
		return hr;
	return wer__registry_set_metadata(key, klen, value, vlen);
}

WER_EXPORT HRESULT wer_unregister_custom_metadata(const char *key)
{
	size_t klen;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__key_check(key, &klen)) != S_OK)
		return hr;
	return wer__registry_remove_metadata(key, klen);
}

WER_EXPORT HRESULT wer_set_metadata(const char *key, const char *value)
{
	size_t klen, vlen = 0;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__key_check(key, &klen)) != S_OK ||
	    (value && (hr = wer__note_value_check(value, &vlen)) != S_OK))
		return hr;
	return wer__registry_set_note(key, klen, value, vlen);
}

WER_EXPORT size_t wer_metadata_count(void)
{
	return wer__registry_metadata_count() + wer__registry_note_count();
}

WER_EXPORT HRESULT wer_set_application_version(const char *version)
{
	size_t len = 0;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	/* A metadata value's rules: 0..128 printable ASCII characters. */
	if (version && (hr = wer__value_check(version, &len)) != S_OK)
		return hr;
	return wer__registry_set_app_version(version, len);
}

WER_EXPORT HRESULT wer_set_report_setting(const char *name, const char *value)
{
	static struct wer_code_settings now; /* one caller at a time: */
	static int busy;		     /* a spin of its own */
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	while (__atomic_exchange_n(&busy, 1, __ATOMIC_ACQUIRE))
		sched_yield();
	hr = wer__registry_set_setting(name, value, &now);
	if (hr == S_OK && name && !strcasecmp(name, "Store"))
		wer__crash_use_store(now.store);
	__atomic_store_n(&busy, 0, __ATOMIC_RELEASE);
	return hr;
}

WER_EXPORT HRESULT wer_get_custom_metadata(const char *key, char *value,
					   size_t size)
{
	size_t klen;
	HRESULT hr;

	if (!value || (hr = wer__key_check(key, &klen)) != S_OK)
		return E_INVALIDARG;
	return wer__registry_get_metadata(key, klen, value, size);
}

WER_EXPORT size_t wer_list_custom_metadata(wer_metadata_pair_t *pairs,
					   size_t max)
{
	return wer__registry_list_metadata(pairs, pairs ? max : 0);
}

WER_EXPORT size_t wer_registered_metadata_count(void)
{
	return wer__registry_metadata_count();
}

WER_EXPORT size_t wer_registered_entry_count(void)
{
	return wer__registry_entry_count();
}

/* ---- memory blocks ------------------------------------------------------ */

static HRESULT range_register(uint32_t kind, const void *address, uint64_t size,
			      uint64_t max_size)
{
	uintptr_t a = (uintptr_t)address;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (!address || size == 0 || size > max_size || a + size < a)
		return E_INVALIDARG;
	return wer__registry_set_range(kind, a, size);
}

static HRESULT range_unregister(uint32_t kind, const void *address)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (!address)
		return E_INVALIDARG;
	return wer__registry_remove_range(kind, (uintptr_t)address);
}

WER_EXPORT HRESULT WINAPI WerRegisterMemoryBlock(PVOID address, DWORD size)
{
	return range_register(WER_REG_RANGE_MEMORY, address, size,
			      WER_MAX_MEM_BLOCK_SIZE);
}

WER_EXPORT HRESULT WINAPI WerUnregisterMemoryBlock(PVOID address)
{
	return range_unregister(WER_REG_RANGE_MEMORY, address);
}

WER_EXPORT HRESULT WINAPI WerRegisterExcludedMemoryBlock(const void *address,
							 DWORD size)
{
	return range_register(WER_REG_RANGE_EXCLUDED, address, size,
			      UINT32_MAX);
}

WER_EXPORT HRESULT WINAPI WerUnregisterExcludedMemoryBlock(const void *address)
{
	return range_unregister(WER_REG_RANGE_EXCLUDED, address);
}

/* ---- additional processes ------------------------------------------------ */

WER_EXPORT HRESULT WINAPI WerRegisterAdditionalProcess(DWORD pid, DWORD tid)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (pid == 0)
		return E_INVALIDARG;
	return wer__registry_set_range(WER_REG_RANGE_ADDITIONAL_PROCESS, pid,
				       tid);
}

WER_EXPORT HRESULT WINAPI WerUnregisterAdditionalProcess(DWORD pid)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (pid == 0)
		return E_INVALIDARG;
	return wer__registry_remove_range(WER_REG_RANGE_ADDITIONAL_PROCESS,
					  pid);
}

/* ---- files --------------------------------------------------------------- */

/* Makes path (len bytes, in buf) absolute in place, against the current
 * working directory. E_INVALIDARG when the result would not fit. */
static HRESULT path_absolute(char buf[WER_REG_PATH_BYTES + 1], size_t *len)
{
	char cwd[WER_REG_PATH_BYTES + 1];
	size_t cwd_len;

	if (buf[0] == '/')
		return S_OK;
	if (!getcwd(cwd, sizeof(cwd)))
		return E_INVALIDARG;
	cwd_len = strlen(cwd);
	if (cwd_len + 1 + *len > WER_REG_PATH_BYTES)
		return E_INVALIDARG;
	memmove(buf + cwd_len + 1, buf, *len + 1);
	memcpy(buf, cwd, cwd_len);
	buf[cwd_len] = '/';
	*len += cwd_len + 1;
	return S_OK;
}

static HRESULT file_register(char buf[WER_REG_PATH_BYTES + 1], size_t len,
			     WER_REGISTER_FILE_TYPE type, DWORD flags)
{
	HRESULT hr;

	if (type != WerRegFileTypeUserDocument && type != WerRegFileTypeOther)
		return E_INVALIDARG;
	if (flags & ~(DWORD)FILE_FLAGS_KNOWN)
		return E_INVALIDARG;
	if ((hr = path_absolute(buf, &len)) != S_OK)
		return hr;
	return wer__registry_set_file(buf, len, (uint32_t)type, flags);
}

static HRESULT file_unregister(char buf[WER_REG_PATH_BYTES + 1], size_t len)
{
	HRESULT hr;

	if ((hr = path_absolute(buf, &len)) != S_OK)
		return hr;
	return wer__registry_remove_file(buf, len);
}

WER_EXPORT HRESULT WINAPI WerRegisterFile(PCWSTR path,
					  WER_REGISTER_FILE_TYPE type,
					  DWORD flags)
{
	char buf[WER_REG_PATH_BYTES + 1];
	size_t len;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__path_from_wide(path, buf, &len)) != S_OK)
		return hr;
	return file_register(buf, len, type, flags);
}

WER_EXPORT HRESULT WINAPI WerUnregisterFile(PCWSTR path)
{
	char buf[WER_REG_PATH_BYTES + 1];
	size_t len;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__path_from_wide(path, buf, &len)) != S_OK)
		return hr;
	return file_unregister(buf, len);
}

WER_EXPORT HRESULT wer_register_file(const char *path, int type, uint32_t flags)
{
	char buf[WER_REG_PATH_BYTES + 1];
	size_t len;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__path_check(path, &len)) != S_OK)
		return hr;
	memcpy(buf, path, len + 1);
	return file_register(buf, len, type, flags);
}

WER_EXPORT HRESULT wer_unregister_file(const char *path)
{
	char buf[WER_REG_PATH_BYTES + 1];
	size_t len;
	HRESULT hr;

	if (in_recovery())
		return WER_E_INVALID_STATE;
	if ((hr = wer__path_check(path, &len)) != S_OK)
		return hr;
	memcpy(buf, path, len + 1);
	return file_unregister(buf, len);
}

/* ---- flags --------------------------------------------------------------- */

WER_EXPORT HRESULT WINAPI WerSetFlags(DWORD flags)
{
	if (in_recovery())
		return WER_E_INVALID_STATE;
	if (flags & ~(DWORD)FAULT_FLAGS_KNOWN)
		return E_INVALIDARG;
	return wer__registry_set_flags(flags);
}

WER_EXPORT HRESULT WINAPI WerGetFlags(HANDLE process, PDWORD ret_flags)
{
	if (process != GetCurrentProcess() || !ret_flags)
		return E_INVALIDARG;
	*ret_flags = wer__registry_flags();
	return S_OK;
}

_Static_assert(WER_NATIVE_METADATA_MAX == WER_REG_NOTE_SLOTS,
	       "the native table's size");
_Static_assert(WER_NATIVE_METADATA_VALUE_MAX_BYTES == WER_REG_NOTE_VALUE_BYTES,
	       "the native table's values");
