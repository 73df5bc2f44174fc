/* SPDX-License-Identifier: MIT */
/*
 * register_metadata - registers custom metadata the way a Windows program
 * does, then prints what the registry holds.
 */
#include <stdio.h>
#include <stdlib.h>

#include <werapi.h>
#include <wer/wer.h>

static int check(const char *what, HRESULT hr)
{
	printf("%-48s -> 0x%08X%s\n", what, (unsigned)hr,
	       hr == S_OK ? " (S_OK)" : "");
	return hr == S_OK;
}

int main(void)
{
	static char session_state[256] = "editor: 3 documents open";
	wer_metadata_pair_t pairs[WER_MAX_REGISTERED_METADATA];
	size_t n;
	int ok = 1;

	ok &= check("WerRegisterCustomMetadata(Build, nightly-42)",
		    WerRegisterCustomMetadata(L"Build", L"nightly-42"));
	ok &= check("WerRegisterCustomMetadata(Channel, beta)",
		    WerRegisterCustomMetadata(L"Channel", L"beta"));
	ok &= check("wer_register_custom_metadata(\u00dcbersetzung, de-DE)",
		    wer_register_custom_metadata("\xc3\x9c"
						 "bersetzung",
						 "de-DE"));
	ok &=
	    check("WerRegisterMemoryBlock(session_state)",
		  WerRegisterMemoryBlock(session_state, sizeof(session_state)));
	/* Refused, as on Windows: a key may not start with a digit. */
	check("WerRegisterCustomMetadata(1st, x) [refused]",
	      WerRegisterCustomMetadata(L"1st", L"x"));

	n = wer_list_custom_metadata(pairs, WER_MAX_REGISTERED_METADATA);
	printf("\n%zu metadata pairs registered (%zu entries of %d in all):\n",
	       n, wer_registered_entry_count(), WER_MAX_REGISTERED_ENTRIES);
	for (size_t i = 0; i < n; i++)
		printf("  %s = %s\n", pairs[i].key, pairs[i].value);
	return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
