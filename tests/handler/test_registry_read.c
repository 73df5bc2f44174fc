/* SPDX-License-Identifier: MIT */
/*
 * test_registry_read - the registry block read from outside: by a second
 * process through process_vm_readv while the writer runs, from a stopped
 * writer, and from blocks that lie.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <wer/recovery.h>

#include "registry_read.h"
#include "wer/wer.h"
#include "wer_internal.h"

static char value_a[WER_REG_VALUE_BYTES + 1], value_b[WER_REG_VALUE_BYTES + 1];
/* The native table's largest values: 128 two-byte characters each. */
static char native_a[WER_REG_NOTE_VALUE_BYTES + 1],
    native_b[WER_REG_NOTE_VALUE_BYTES + 1];

static int setup(void **state)
{
	(void)state;
	wer__registry_reset();
	memset(value_a, 'A', WER_REG_VALUE_BYTES);
	memset(value_b, 'b', WER_REG_VALUE_BYTES);
	for (int i = 0; i < WER_REG_NOTE_VALUE_BYTES; i += 2) {
		memcpy(native_a + i, "\xc3\xa4", 2);
		memcpy(native_b + i, "\xc3\xb6", 2);
	}
	return 0;
}

static uint64_t registry_address(void)
{
	return (uint64_t)(uintptr_t)&wer__registry;
}

/* A child that flips one 128-character value between two whole values,
 * and one 256-byte native value (wer_set_metadata) likewise, and adds and
 * removes a second key, as fast as it can, until killed. It
 * dies with the test, and is ready once both keys are registered. */
static pid_t spawn_writer(void)
{
	int ready[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(ready), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		if (wer_register_custom_metadata("Stable", "yes") != S_OK ||
		    wer_register_custom_metadata("Flip", value_a) != S_OK ||
		    wer_set_metadata("NativeFlip", native_a) != S_OK)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		for (unsigned long i = 0;; i++) {
			wer_register_custom_metadata("Flip",
						     i & 1 ? value_a : value_b);
			wer_set_metadata("NativeFlip",
					 i & 1 ? native_a : native_b);
			if (i % 3 == 0)
				wer_register_custom_metadata("Blink", "on");
			else if (i % 3 == 1)
				wer_unregister_custom_metadata("Blink");
			WerRegisterMemoryBlock(value_a + (i & 7), 8);
			WerUnregisterMemoryBlock(value_a + (i & 7));
		}
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &c, 1), 1);
	close(ready[0]);
	return pid;
}

static void stop_child(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

static const char *find_value(const struct wer_registry_snapshot *s,
			      const char *key)
{
	for (size_t i = 0; i < s->meta_count; i++)
		if (!strcmp(s->meta[i].key, key))
			return s->meta[i].value;
	return NULL;
}

static void read_live_writer_sees_whole_values(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	pid_t pid = spawn_writer();
	unsigned reads = 0, flips_seen[2] = {0, 0}, unsettled = 0,
		 native_seen[2] = {0, 0};
	struct timespec start, now;

	(void)state;
	assert_non_null(s);
	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		const char *v;

		assert_int_equal(wer__registry_read(wer__read_process_memory,
						    &pid, registry_address(),
						    s),
				 0);
		assert_int_equal(s->invalid, 0);
		unsettled += s->unsettled != 0;
		assert_string_equal(find_value(s, "Stable"), "yes");
		v = find_value(s, "Flip");
		if (v) {
			/* Whole A or whole b: never a mix of the two. */
			if (!strcmp(v, value_a))
				flips_seen[0]++;
			else if (!strcmp(v, value_b))
				flips_seen[1]++;
			else
				fail_msg("torn value read: %s", v);
		}
		v = find_value(s, "NativeFlip");
		if (v) {
			if (!strcmp(v, native_a))
				native_seen[0]++;
			else if (!strcmp(v, native_b))
				native_seen[1]++;
			else
				fail_msg("torn native value read: %s", v);
		}
		v = find_value(s, "Blink");
		if (v)
			assert_string_equal(v, "on");
		reads++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* Two seconds and 100 reads, whichever is later (sanitized
		 * builds read slowly), but never more than 30 seconds. */
	} while ((now.tv_sec - start.tv_sec < 2 || reads < 100) &&
		 now.tv_sec - start.tv_sec < 30);
	stop_child(pid);
	print_message("%u live reads, %u/%u of each value, %u with a slot "
		      "that did not settle\n",
		      reads, flips_seen[0], flips_seen[1], unsettled);
	assert_true(reads >= 100);
	assert_true(flips_seen[0] > 0 && flips_seen[1] > 0);
	assert_true(native_seen[0] > 0 && native_seen[1] > 0);
	free(s);
}

static void read_stopped_writer_settles_at_once(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));

	(void)state;
	assert_non_null(s);
	for (int round = 0; round < 50; round++) {
		pid_t pid = spawn_writer();
		int status;
		const char *v;

		usleep(100 + (round * 397) % 3000);
		/* Frozen at an arbitrary point, perhaps mid-write: the
		 * published copies are whole and every slot settles. */
		kill(pid, SIGSTOP);
		waitpid(pid, &status, WUNTRACED);
		assert_int_equal(wer__registry_read(wer__read_process_memory,
						    &pid, registry_address(),
						    s),
				 0);
		assert_int_equal(s->unsettled, 0);
		assert_int_equal(s->invalid, 0);
		v = find_value(s, "Flip");
		assert_non_null(v);
		assert_true(!strcmp(v, value_a) || !strcmp(v, value_b));
		stop_child(pid);
	}
	free(s);
}

static void read_sees_every_kind(void **state)
{
	static char block[64], secret[32];
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	pid_t self = getpid();

	(void)state;
	assert_non_null(s);
	assert_int_equal(WerRegisterCustomMetadata(L"Build", L"nightly-42"),
			 S_OK);
	assert_int_equal(wer_register_custom_metadata("Esc", "<&\"'>"), S_OK);
	assert_int_equal(WerRegisterMemoryBlock(block, sizeof(block)), S_OK);
	assert_int_equal(WerRegisterExcludedMemoryBlock(secret, sizeof(secret)),
			 S_OK);
	assert_int_equal(wer_register_file("/tmp/doc.txt",
					   WerRegFileTypeUserDocument,
					   WER_FILE_ANONYMOUS_DATA),
			 S_OK);
	assert_int_equal(WerSetFlags(WER_FAULT_REPORTING_FLAG_QUEUE), S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_int_equal(s->meta_count, 2);
	assert_string_equal(find_value(s, "Build"), "nightly-42");
	assert_string_equal(find_value(s, "Esc"), "<&\"'>");
	assert_int_equal(s->range_count, 2);
	assert_int_equal(s->range[0].address, (uintptr_t)block);
	assert_int_equal(s->range[0].size, sizeof(block));
	assert_int_equal(s->range[0].kind, WER_REG_RANGE_MEMORY);
	assert_int_equal(s->range[1].kind, WER_REG_RANGE_EXCLUDED);
	assert_int_equal(s->file_count, 1);
	assert_string_equal(s->file[0].path, "/tmp/doc.txt");
	assert_int_equal(s->file[0].flags, WER_FILE_ANONYMOUS_DATA);
	assert_int_equal(s->flags, WER_FAULT_REPORTING_FLAG_QUEUE);
	assert_int_equal(s->state, WER_REG_STATE_RUNNING);
	free(s);
}

/* A reader over a private copy of the block, which the tests corrupt. */
struct fake_target {
	struct wer_registry *block;
	uint64_t address;
};

static int fake_read(void *ctx, uint64_t address, void *buf, size_t len)
{
	struct fake_target *t = ctx;

	if (address < t->address || address - t->address > sizeof(*t->block) ||
	    len > sizeof(*t->block) - (address - t->address))
		return -EFAULT;
	memcpy(buf, (char *)t->block + (address - t->address), len);
	return 0;
}

static void read_distrusts_a_lying_block(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	struct fake_target t = {malloc(sizeof(struct wer_registry)),
				registry_address()};
	struct wer_reg_meta *m;

	(void)state;
	assert_non_null(s);
	assert_non_null(t.block);
	assert_int_equal(wer_register_custom_metadata("Good", "1"), S_OK);
	assert_int_equal(wer_register_custom_metadata("Bad", "2"), S_OK);

	/* Not a registry: wrong magic, version, layout or self address. */
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.magic[0] = 'X';
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.version = 99;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.range_slots = 1u << 30;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);
	assert_int_equal(
	    wer__registry_read(fake_read, &t, t.address + sizeof(*t.block), s),
	    -EFAULT);

	/* Slot contents that break the rules are skipped and counted. */
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	m = &t.block->meta[1][t.block->meta_ctl[1].current - 1];
	m->key_len = 5000;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_int_equal(s->meta_count, 1);
	assert_int_equal(s->invalid, 1);
	assert_string_equal(s->meta[0].key, "Good");

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	m = &t.block->meta[1][t.block->meta_ctl[1].current - 1];
	m->value[0] = '\n'; /* not printable */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_int_equal(s->meta_count, 1);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	m = &t.block->meta[1][t.block->meta_ctl[1].current - 1];
	memcpy(m->key, "Good", 5); /* a duplicate key */
	m->key_len = 4;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_int_equal(s->meta_count, 1);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->meta_ctl[1].current = 7; /* absurd control word */
	t.block->range_ctl[3].current = 0xFFFFFFFF;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_int_equal(s->meta_count, 1);
	assert_int_equal(s->invalid, 2);

	/* A copy whose writer never finished (odd sequence) stays unsettled
	 * and is not reported; its slot is not half-reported either. */
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->meta_ctl[1].seq[t.block->meta_ctl[1].current - 1] |= 1;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_int_equal(s->meta_count, 1);
	assert_int_equal(s->unsettled, 1);

	free(t.block);
	free(s);
}

/* The restart slot (layout version 2): read whole, and distrusted like the
 * others. */
static void read_restart_slot(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	struct fake_target t = {malloc(sizeof(struct wer_registry)),
				registry_address()};
	pid_t self = getpid();
	struct wer_reg_restart *rs;

	(void)state;
	assert_non_null(s);
	assert_non_null(t.block);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_false(s->restart.registered);
	assert_int_equal(RegisterApplicationRestart(L"--restore \u00fc", 9),
			 S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_true(s->restart.registered);
	assert_string_equal(s->restart.cmdline, "--restore \xc3\xbc");
	assert_int_equal(s->restart.flags, 9);
	assert_int_equal(s->invalid + s->unsettled, 0);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	rs = &t.block->restart[t.block->restart_ctl.current - 1];
	rs->flags = 16;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->restart.registered);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	rs = &t.block->restart[t.block->restart_ctl.current - 1];
	rs->cmdline[2] = '\0'; /* shorter than its length says */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->restart.registered);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	rs = &t.block->restart[t.block->restart_ctl.current - 1];
	rs->cmdline_len = 5000;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->restart.registered);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->restart_ctl.seq[t.block->restart_ctl.current - 1] |= 1;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->restart.registered);
	assert_int_equal(s->unsettled, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.restart_offset += 8; /* a different layout */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);

	assert_int_equal(UnregisterApplicationRestart(), S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_false(s->restart.registered);
	free(t.block);
	free(s);
}

/* The application slot (layout version 3): wer_set_application_version's
 * value, distrusted like the others; a version 2 block (openwer 0.1)
 * still reads, without it. */
static void read_application_slot(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	struct fake_target t = {malloc(sizeof(struct wer_registry)),
				registry_address()};
	pid_t self = getpid();
	struct wer_reg_app *app;

	(void)state;
	assert_non_null(s);
	assert_non_null(t.block);
	assert_int_equal(wer_set_application_version("bad\tversion"),
			 WER_E_INVALIDARG);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_string_equal(s->app_version, "");
	assert_int_equal(wer_set_application_version("2.4.1 (beta)"), WER_S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_string_equal(s->app_version, "2.4.1 (beta)");
	assert_int_equal(s->invalid + s->unsettled, 0);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	app = &t.block->app[t.block->app_ctl.current - 1];
	app->version[1] = '\x1b'; /* not printable */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_string_equal(s->app_version, "");
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	app = &t.block->app[t.block->app_ctl.current - 1];
	app->version_len = 4000;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_string_equal(s->app_version, "");
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	app = &t.block->app[t.block->app_ctl.current - 1];
	app->version[3] = '\0'; /* shorter than its length says */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_string_equal(s->app_version, "");
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.app_offset += 8; /* a different layout */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);

	/* Version 2: the block ended before the application slot. */
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.version = 2;
	t.block->header.block_size = WER_REGISTRY_V2_SIZE;
	t.block->header.app_ctl_offset = t.block->header.app_offset = 0;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_string_equal(s->app_version, "");
	assert_int_equal(s->meta_count, wer_registered_metadata_count());
	t.block->header.block_size = sizeof(struct wer_registry);
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);

	assert_int_equal(wer_set_application_version(NULL), WER_S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_string_equal(s->app_version, "");
	free(t.block);
	free(s);
}

/* The settings slot (layout version 4): wer_set_report_setting's, one
 * setting at a time, refused values leaving them as they were; text that
 * does not parse is distrusted; a version 3 block still reads, without
 * them. */
static void read_settings_slot(void **state)
{
	struct wer_registry_snapshot *s = malloc(sizeof(*s));
	struct fake_target t = {malloc(sizeof(struct wer_registry)),
				registry_address()};
	pid_t self = getpid();
	struct wer_reg_settings *rs;

	(void)state;
	assert_non_null(s);
	assert_non_null(t.block);
	assert_int_equal(wer_set_report_setting("UploadURL", "https://a/b"),
			 WER_S_OK);
	assert_int_equal(wer_set_report_setting("dumptype", "full"), WER_S_OK);
	assert_int_equal(wer_set_report_setting("ConsentLevel", "7"),
			 WER_E_INVALIDARG);
	assert_int_equal(wer_set_report_setting("Disabled", "1"),
			 WER_E_INVALIDARG);
	assert_int_equal(wer_set_report_setting(NULL, "1"), WER_E_INVALIDARG);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_true(s->have_code);
	assert_string_equal(s->code.upload_url, "https://a/b");
	assert_int_equal(s->code.dump_type, 2);
	assert_int_equal(s->code.consent, 0);
	assert_int_equal(s->invalid + s->unsettled, 0);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	rs = &t.block->settings[t.block->settings_ctl.current - 1];
	memcpy(rs->text, "Store=rel\n", 10);
	rs->text_len = 10;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->have_code);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	rs = &t.block->settings[t.block->settings_ctl.current - 1];
	rs->text_len = WER_REG_SETTINGS_BYTES + 1;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->have_code);
	assert_int_equal(s->invalid, 1);

	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.settings_offset += 4; /* a different layout */
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s),
			 -EBADMSG);

	/* Version 3: the block ended before the settings slot. */
	memcpy(t.block, &wer__registry, sizeof(*t.block));
	t.block->header.version = 3;
	t.block->header.block_size = WER_REGISTRY_V3_SIZE;
	t.block->header.settings_ctl_offset = 0;
	t.block->header.settings_offset = 0;
	assert_int_equal(wer__registry_read(fake_read, &t, t.address, s), 0);
	assert_false(s->have_code);
	assert_int_equal(s->meta_count, wer_registered_metadata_count());

	assert_int_equal(wer_set_report_setting("UploadURL", NULL), WER_S_OK);
	assert_int_equal(wer_set_report_setting("DumpType", ""), WER_S_OK);
	assert_int_equal(wer__registry_read(wer__read_process_memory, &self,
					    registry_address(), s),
			 0);
	assert_false(s->have_code);
	assert_int_equal(wer__registry.settings_ctl.current, 0);
	free(t.block);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(read_sees_every_kind, setup),
	    cmocka_unit_test_setup(read_live_writer_sees_whole_values, setup),
	    cmocka_unit_test_setup(read_stopped_writer_settles_at_once, setup),
	    cmocka_unit_test_setup(read_distrusts_a_lying_block, setup),
	    cmocka_unit_test_setup(read_restart_slot, setup),
	    cmocka_unit_test_setup(read_application_slot, setup),
	    cmocka_unit_test_setup(read_settings_slot, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
