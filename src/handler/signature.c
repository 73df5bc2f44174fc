/* SPDX-License-Identifier: MIT */
/*
 * signature.c - WER's bucketing signature of a report: a crash's nine
 * parameters (docs/report.md), or a report without a crash's own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "crash_format.h"
#include "report_format.h"
#include "report_parts.h"

/* A live report's signature is its parameters, in index order. Returns
 * how many. */
static int live_signature(const struct wer_job *r,
			  struct wer_signature sig[WER_LIVE_PARAMS])
{
	int n = 0;

	for (int i = 0; i < WER_LIVE_PARAMS; i++) {
		if (!r->live->param[i].set)
			continue;
		sig[n].name = r->live->param[i].name;
		snprintf(sig[n].value, sizeof(sig[n].value), "%s",
			 r->live->param[i].value);
		n++;
	}
	return n;
}

static int crash_signature(const struct wer_job *r,
			   struct wer_signature sig[WER_LIVE_PARAMS])
{
	const struct wer_snapshot_module *m =
	    r->snap.fault_module >= 0 ? &r->snap.modules[r->snap.fault_module]
				      : NULL;
	uint64_t pc = r->snap.have_crash ? r->snap.fault_pc : 0;

	sig[WER_SIG_APP_NAME].name = wer_sig_names[WER_SIG_APP_NAME];
	/* A file's name: at most NAME_MAX bytes, well within a value. */
	snprintf(sig[WER_SIG_APP_NAME].value,
		 sizeof(sig[WER_SIG_APP_NAME].value), "%.*s", NAME_MAX,
		 r->snap.exe[0] ? wer__base_name(r->snap.exe) : "unknown");
	sig[WER_SIG_APP_VERSION].name = wer_sig_names[WER_SIG_APP_VERSION];
	snprintf(sig[WER_SIG_APP_VERSION].value,
		 sizeof(sig[WER_SIG_APP_VERSION].value), "%s",
		 r->app_version_source ? r->app_version : "unknown");
	sig[WER_SIG_APP_BUILD_ID].name = wer_sig_names[WER_SIG_APP_BUILD_ID];
	snprintf(sig[WER_SIG_APP_BUILD_ID].value,
		 sizeof(sig[WER_SIG_APP_BUILD_ID].value), "%s",
		 wer__snapshot_build_id(&r->snap, r->snap.exe));
	sig[WER_SIG_FAULT_MODULE].name = wer_sig_names[WER_SIG_FAULT_MODULE];
	snprintf(sig[WER_SIG_FAULT_MODULE].value,
		 sizeof(sig[WER_SIG_FAULT_MODULE].value), "%.*s", NAME_MAX,
		 m ? wer__base_name(m->path) : "unknown");
	sig[WER_SIG_FAULT_MODULE_BUILD_ID].name =
	    wer_sig_names[WER_SIG_FAULT_MODULE_BUILD_ID];
	snprintf(sig[WER_SIG_FAULT_MODULE_BUILD_ID].value,
		 sizeof(sig[WER_SIG_FAULT_MODULE_BUILD_ID].value), "%s",
		 m ? m->build_id : "");
	sig[WER_SIG_SIGNAL].name = wer_sig_names[WER_SIG_SIGNAL];
	snprintf(sig[WER_SIG_SIGNAL].value, sizeof(sig[WER_SIG_SIGNAL].value),
		 "%s (%d)", wer__signal_name(r->snap.crash.signo),
		 r->snap.crash.signo);
	sig[WER_SIG_SIGNAL_CODE].name = wer_sig_names[WER_SIG_SIGNAL_CODE];
	snprintf(sig[WER_SIG_SIGNAL_CODE].value,
		 sizeof(sig[WER_SIG_SIGNAL_CODE].value), "%d",
		 r->snap.crash.code);
	sig[WER_SIG_FAULT_ADDRESS].name = wer_sig_names[WER_SIG_FAULT_ADDRESS];
	/* si_addr means something only for faults the kernel raised; a
	 * signal sent by a process (si_code <= 0) carries its sender there. */
	snprintf(sig[WER_SIG_FAULT_ADDRESS].value,
		 sizeof(sig[WER_SIG_FAULT_ADDRESS].value), "0x%" PRIx64,
		 r->snap.crash.code > 0 ? r->snap.crash.address : 0);
	sig[WER_SIG_FAULT_OFFSET].name = wer_sig_names[WER_SIG_FAULT_OFFSET];
	snprintf(sig[WER_SIG_FAULT_OFFSET].value,
		 sizeof(sig[WER_SIG_FAULT_OFFSET].value), "0x%" PRIx64,
		 m ? pc - m->base : pc);
	if (!r->snap.crash.exception_type[0])
		return WER_SIG_COUNT;
	sig[WER_SIG_EXCEPTION_TYPE].name = WER_SIG_NAME_EXCEPTION_TYPE;
	snprintf(sig[WER_SIG_EXCEPTION_TYPE].value,
		 sizeof(sig[WER_SIG_EXCEPTION_TYPE].value), "%s",
		 r->snap.crash.exception_type);
	return WER_SIG_COUNT + 1;
}

int wer__signature(const struct wer_job *j,
		   struct wer_signature sig[WER_LIVE_PARAMS])
{
	return j->live ? live_signature(j, sig) : crash_signature(j, sig);
}
