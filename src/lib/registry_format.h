/* SPDX-License-Identifier: MIT */
/*
 * registry_format.h - the byte layout of openwer's registry block.
 *
 * The registry is one statically allocated block in libwer's .bss. The
 * application writes it; werfault reads it from outside with
 * process_vm_readv, possibly after the application's heap is destroyed.
 * The layout is the contract between the two and is documented byte by byte
 * in docs/registry.md; change WER_REGISTRY_VERSION when it changes.
 *
 * Every slot has two copies of its payload and a control word
 * (current, seq[2]). A writer fills the copy that is not current, bumping
 * that copy's sequence counter to odd before and to even after, then
 * publishes it by storing current. A reader accepts a slot only when
 * current and seq[current - 1] read the same, and even, before and after it
 * copies the payload. A writer stopped mid-write (the process crashed, or a
 * debugger froze it) never touches the current copy, so a stopped process
 * always shows every published value whole.
 */
#ifndef WER_REGISTRY_FORMAT_H
#define WER_REGISTRY_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define WER_REGISTRY_MAGIC	"OWERREG\0"
#define WER_REGISTRY_MAGIC_SIZE 8
#define WER_REGISTRY_VERSION	4

#define WER_REG_META_SLOTS  8
#define WER_REG_RANGE_SLOTS 512
#define WER_REG_FILE_SLOTS  512

#define WER_REG_KEY_BYTES   256 /* 64 characters of up to 4 UTF-8 bytes */
#define WER_REG_VALUE_BYTES 128 /* 128 printable ASCII characters */
#define WER_REG_PATH_BYTES  4095
/* RESTART_MAX_CMD_LINE (1024) characters of up to 4 UTF-8 bytes. */
#define WER_REG_CMDLINE_BYTES 4096
/* Version 4: the native metadata table (wer_set_metadata), beside WER's:
 * 64 more pairs, values of up to 256 bytes of UTF-8. */
#define WER_REG_NOTE_SLOTS	 64
#define WER_REG_NOTE_VALUE_BYTES 256

/* wer_set_report_setting's "Name=Value\n" lines: an UploadURL of 1023
 * bytes and a Store path of 4095, with their names and the numbers. */
#define WER_REG_SETTINGS_BYTES 5248

/* wer_registry_header.state */
enum {
	WER_REG_STATE_RUNNING = 0,
	WER_REG_STATE_RECOVERY = 1,
};

/* wer_reg_range.kind */
enum {
	WER_REG_RANGE_MEMORY = 1,   /* WerRegisterMemoryBlock */
	WER_REG_RANGE_EXCLUDED = 2, /* WerRegisterExcludedMemoryBlock */
	WER_REG_RANGE_ADDITIONAL_PROCESS = 3, /* address = pid, size = tid */
};

/* Control word of a slot: current is 0 (empty), 1 (copy 0) or 2 (copy 1). */
struct wer_reg_ctl {
	uint32_t current;
	uint32_t seq[2];
};

struct wer_reg_meta {
	uint16_t key_len;		 /* bytes, 1..256 */
	uint16_t value_len;		 /* bytes, 0..128 */
	char key[WER_REG_KEY_BYTES + 4]; /* NUL terminated, zero padded */
	char value[WER_REG_VALUE_BYTES + 4];
};

struct wer_reg_range {
	uint64_t address;
	uint64_t size;
	uint32_t kind;
	uint32_t reserved;
};

struct wer_reg_file {
	uint32_t path_len; /* bytes, 1..4095 */
	uint32_t type;	   /* WER_REGISTER_FILE_TYPE */
	uint32_t flags;	   /* WER_FILE_* */
	uint32_t reserved;
	char path[WER_REG_PATH_BYTES + 1]; /* absolute, NUL terminated */
};

/* RegisterApplicationRestart: one slot, two copies, like the others. */
struct wer_reg_restart {
	uint32_t flags;				 /* RESTART_NO_* */
	uint32_t cmdline_len;			 /* bytes, 0..4096 */
	char cmdline[WER_REG_CMDLINE_BYTES + 4]; /* UTF-8, NUL terminated */
};

/* Version 3: what the application says of itself, one slot like
 * restart's. */
struct wer_reg_app {
	uint32_t version_len; /* bytes, 0..128 (wer_set_application_version) */
	uint32_t reserved;
	char version[WER_REG_VALUE_BYTES + 4]; /* printable ASCII, NUL ended */
};

/* Version 4: the settings the application set for its own crashes in
 * code (wer_set_report_setting), as "Name=Value\n" lines. */
struct wer_reg_settings {
	uint32_t text_len; /* bytes, 0..5248 */
	uint32_t reserved;
	char text[WER_REG_SETTINGS_BYTES + 4]; /* NUL terminated */
};

/* Version 4: a native metadata pair. The key follows WER's key rules; the
 * value is UTF-8 without control characters. */
struct wer_reg_note {
	uint16_t key_len;		 /* bytes, 1..256 */
	uint16_t value_len;		 /* bytes, 0..256 */
	char key[WER_REG_KEY_BYTES + 4]; /* NUL terminated, zero padded */
	char value[WER_REG_NOTE_VALUE_BYTES + 4];
};

struct wer_registry_header {
	char magic[WER_REGISTRY_MAGIC_SIZE];
	uint32_t version;
	uint32_t header_size; /* sizeof(struct wer_registry_header) */
	uint64_t block_size;  /* sizeof(struct wer_registry) */
	uint64_t self;	      /* the block's own address in the process */
	uint32_t meta_slots, range_slots, file_slots;
	uint32_t meta_size, range_size, file_size; /* bytes of one copy */
	/* Offsets from the start of the block. */
	uint32_t meta_ctl_offset, range_ctl_offset, file_ctl_offset;
	uint32_t meta_offset, range_offset, file_offset;
	uint32_t state;	      /* WER_REG_STATE_* */
	uint32_t flags;	      /* WerSetFlags */
	uint32_t meta_count;  /* published metadata slots */
	uint32_t entry_count; /* published slots of every kind */
	uint64_t generation;  /* incremented by every change */
	uint32_t restart_ctl_offset, restart_offset; /* version 2 */
	uint32_t app_ctl_offset, app_offset;	     /* version 3 */
	/* Set by the crash path once libwer reported a crash of this
	 * process (its process id): a system handler that then gets the
	 * process's core adds no second report (docs/system.md). 0 before. */
	uint64_t reported;
	uint32_t settings_ctl_offset, settings_offset; /* version 4 */
};

struct wer_registry {
	struct wer_registry_header header;
	/* The control area: every slot's control word, contiguous, so a reader
	 * takes it in one read before and one after the payloads. */
	struct wer_reg_ctl meta_ctl[WER_REG_META_SLOTS];
	struct wer_reg_ctl range_ctl[WER_REG_RANGE_SLOTS];
	struct wer_reg_ctl file_ctl[WER_REG_FILE_SLOTS];
	struct wer_reg_meta meta[WER_REG_META_SLOTS][2];
	struct wer_reg_range range[WER_REG_RANGE_SLOTS][2];
	struct wer_reg_file file[WER_REG_FILE_SLOTS][2];
	/* Version 2: the restart registration, after everything else. */
	struct wer_reg_ctl restart_ctl;
	uint32_t restart_pad;
	struct wer_reg_restart restart[2];
	/* Version 3: the application's own facts, after everything else. */
	struct wer_reg_ctl app_ctl;
	uint32_t app_pad;
	struct wer_reg_app app[2];
	/* Version 4: the application's own settings. */
	struct wer_reg_ctl settings_ctl;
	uint32_t settings_pad;
	struct wer_reg_settings settings[2];
	/* Version 4: the native metadata table, its control words first. */
	struct wer_reg_ctl note_ctl[WER_REG_NOTE_SLOTS];
	struct wer_reg_note note[WER_REG_NOTE_SLOTS][2];
};

/* A version 2 block (openwer 0.1) ends where version 3 added the
 * application slot. */
#define WER_REGISTRY_V2_SIZE offsetof(struct wer_registry, app_ctl)

/* A version 3 block (a static libwer built before the settings slot)
 * ends where version 4 added it. */
#define WER_REGISTRY_V3_SIZE offsetof(struct wer_registry, settings_ctl)

/* The offsets docs/registry.md documents; a change here is a new version. */
_Static_assert(sizeof(struct wer_reg_ctl) == 12, "ctl layout");
_Static_assert(sizeof(struct wer_reg_meta) == 396, "meta layout");
_Static_assert(sizeof(struct wer_reg_range) == 24, "range layout");
_Static_assert(sizeof(struct wer_reg_file) == 4112, "file layout");
_Static_assert(sizeof(struct wer_registry_header) == 136, "header layout");
_Static_assert(__builtin_offsetof(struct wer_registry_header, state) == 80,
	       "header layout");
_Static_assert(__builtin_offsetof(struct wer_registry, meta_ctl) == 136,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, meta) == 12520,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, range) == 18856,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, file) == 43432,
	       "block layout");
_Static_assert(sizeof(struct wer_reg_restart) == 4108, "restart layout");
_Static_assert(__builtin_offsetof(struct wer_registry_header,
				  restart_ctl_offset) == 104,
	       "header layout");
_Static_assert(__builtin_offsetof(struct wer_registry, restart_ctl) == 4254120,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, restart) == 4254136,
	       "block layout");
_Static_assert(WER_REGISTRY_V2_SIZE == 4262352, "version 2 block layout");
_Static_assert(sizeof(struct wer_reg_app) == 140, "application layout");
_Static_assert(__builtin_offsetof(struct wer_registry_header, app_ctl_offset) ==
		   112,
	       "header layout");
_Static_assert(__builtin_offsetof(struct wer_registry, app_ctl) == 4262352,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, app) == 4262368,
	       "block layout");
_Static_assert(WER_REGISTRY_V3_SIZE == 4262648, "version 3 block layout");
_Static_assert(sizeof(struct wer_reg_settings) == 5260, "settings layout");
_Static_assert(__builtin_offsetof(struct wer_registry_header,
				  settings_ctl_offset) == 128,
	       "header layout");
_Static_assert(__builtin_offsetof(struct wer_registry, settings) == 4262664,
	       "block layout");
_Static_assert(sizeof(struct wer_reg_note) == 524, "note layout");
_Static_assert(__builtin_offsetof(struct wer_registry, note_ctl) == 4273184,
	       "block layout");
_Static_assert(__builtin_offsetof(struct wer_registry, note) == 4273952,
	       "block layout");
_Static_assert(sizeof(struct wer_registry) == 4341024, "block layout");

#endif /* WER_REGISTRY_FORMAT_H */
