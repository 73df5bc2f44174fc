/* SPDX-License-Identifier: MIT */
/*
 * signature.c - WER's bucketing signature of a report: a crash's nine
 * parameters (docs/report.md), or a report without a crash's own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "crash_format.h"
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
	uint64_t pc = r->snap.have_crash ? r->snap.crash.pc : 0;

	sig[0].name = "Application Name";
	snprintf(sig[0].value, sizeof(sig[0].value), "%s",
		 r->snap.exe[0] ? wer__base_name(r->snap.exe) : "unknown");
	sig[1].name = "Application Version";
	snprintf(sig[1].value, sizeof(sig[1].value), "%s",
		 r->app_version_source ? r->app_version : "unknown");
	sig[2].name = "Application Build ID";
	snprintf(sig[2].value, sizeof(sig[2].value), "%s",
		 wer__snapshot_build_id(&r->snap, r->snap.exe));
	sig[3].name = "Fault Module Name";
	snprintf(sig[3].value, sizeof(sig[3].value), "%s",
		 m ? wer__base_name(m->path) : "unknown");
	sig[4].name = "Fault Module Build ID";
	snprintf(sig[4].value, sizeof(sig[4].value), "%s",
		 m ? m->build_id : "");
	sig[5].name = "Signal";
	snprintf(sig[5].value, sizeof(sig[5].value), "%s (%d)",
		 wer__signal_name(r->snap.crash.signo), r->snap.crash.signo);
	sig[6].name = "Signal Code";
	snprintf(sig[6].value, sizeof(sig[6].value), "%d", r->snap.crash.code);
	sig[7].name = "Fault Address";
	/* si_addr means something only for faults the kernel raised; a
	 * signal sent by a process (si_code <= 0) carries its sender there. */
	snprintf(sig[7].value, sizeof(sig[7].value), "0x%" PRIx64,
		 r->snap.crash.code > 0 ? r->snap.crash.address : 0);
	sig[8].name = "Fault Offset";
	snprintf(sig[8].value, sizeof(sig[8].value), "0x%" PRIx64,
		 m ? pc - m->base : pc);
	return 9;
}

int wer__signature(const struct wer_job *j,
		   struct wer_signature sig[WER_LIVE_PARAMS])
{
	return j->live ? live_signature(j, sig) : crash_signature(j, sig);
}
