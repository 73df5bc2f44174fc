/* SPDX-License-Identifier: MIT */
/*
 * minidump_format.h - the minidump file format, as openwer writes and reads
 * it: the Breakpad/Crashpad Linux layout. Written here from the public
 * format facts (Breakpad's minidump_format.h, minidump_cpu_amd64.h,
 * Crashpad's minidump_extensions.h; see the project's
 * shared/reference/minidump-facts.md). All integers little-endian;
 * structures packed with 4-byte alignment; an RVA is a 32-bit file offset.
 */
#ifndef WER_MINIDUMP_FORMAT_H
#define WER_MINIDUMP_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#pragma pack(push, 4)

#define MD_SIGNATURE 0x504d444du /* "MDMP" */
#define MD_VERSION   0xa793u

enum {
	MD_THREAD_LIST_STREAM = 3,
	MD_MODULE_LIST_STREAM = 4,
	MD_MEMORY_LIST_STREAM = 5,
	MD_EXCEPTION_STREAM = 6,
	MD_SYSTEM_INFO_STREAM = 7,
	MD_MISC_INFO_STREAM = 15,
	MD_MEMORY_INFO_LIST_STREAM = 16,
	MD_THREAD_NAME_LIST_STREAM = 24,
	MD_LINUX_CPU_INFO = 0x47670003,
	MD_LINUX_PROC_STATUS = 0x47670004,
	MD_LINUX_LSB_RELEASE = 0x47670005,
	MD_LINUX_CMD_LINE = 0x47670006,
	MD_LINUX_ENVIRON = 0x47670007,
	MD_LINUX_AUXV = 0x47670008,
	MD_LINUX_MAPS = 0x47670009,
	MD_LINUX_DSO_DEBUG = 0x4767000A,
	MD_CRASHPAD_INFO_STREAM = 0x43500001,
};

typedef struct {
	uint32_t data_size;
	uint32_t rva;
} md_location_t;

typedef struct {
	uint32_t signature;
	uint32_t version;
	uint32_t stream_count;
	uint32_t stream_directory_rva;
	uint32_t checksum;
	uint32_t time_date_stamp;
	uint64_t flags;
} md_header_t;

typedef struct {
	uint32_t stream_type;
	md_location_t location;
} md_directory_t;

typedef struct {
	uint64_t start_of_memory_range;
	md_location_t memory;
} md_memory_descriptor_t;

typedef struct {
	uint32_t thread_id;
	uint32_t suspend_count;
	uint32_t priority_class;
	uint32_t priority;
	uint64_t teb;
	md_memory_descriptor_t stack;
	md_location_t thread_context;
} md_thread_t;

typedef struct {
	uint32_t thread_id;
	uint64_t thread_name_rva; /* an RVA64 to a UTF-16 string */
} md_thread_name_t;

typedef struct {
	uint32_t signature;
	uint32_t struct_version;
	uint32_t file_version_hi, file_version_lo;
	uint32_t product_version_hi, product_version_lo;
	uint32_t file_flags_mask, file_flags, file_os, file_type;
	uint32_t file_subtype, file_date_hi, file_date_lo;
} md_vs_fixedfileinfo_t;

typedef struct {
	uint64_t base_of_image;
	uint32_t size_of_image;
	uint32_t checksum;
	uint32_t time_date_stamp;
	uint32_t module_name_rva;
	md_vs_fixedfileinfo_t version_info;
	md_location_t cv_record;
	md_location_t misc_record;
	uint32_t reserved0[2];
	uint32_t reserved1[2];
} md_module_t;

#define MD_CVINFOELF_SIGNATURE 0x4270454cu /* "BpEL" */

typedef struct {
	uint32_t exception_code;
	uint32_t exception_flags;
	uint64_t exception_record;
	uint64_t exception_address;
	uint32_t number_parameters;
	uint32_t unused_alignment;
	uint64_t exception_information[15];
} md_exception_t;

typedef struct {
	uint32_t thread_id;
	uint32_t alignment;
	md_exception_t exception_record;
	md_location_t thread_context;
} md_exception_stream_t;

#define MD_CPU_ARCHITECTURE_AMD64 9
/* PROCESSOR_ARCHITECTURE_ARM64, with MDRawContextARM64 (Windows' ARM64
 * CONTEXT); Breakpad's older 0x8003 (MD_CPU_ARCHITECTURE_ARM64_OLD) went
 * with another context layout, not written here. */
#define MD_CPU_ARCHITECTURE_ARM64 12
#define MD_OS_LINUX		  0x8201

typedef struct {
	uint16_t processor_architecture;
	uint16_t processor_level;
	uint16_t processor_revision;
	uint8_t number_of_processors;
	uint8_t product_type;
	uint32_t major_version;
	uint32_t minor_version;
	uint32_t build_number;
	uint32_t platform_id;
	uint32_t csd_version_rva;
	uint16_t suite_mask;
	uint16_t reserved2;
	union {
		struct {
			uint32_t vendor_id[3];
			uint32_t version_information;
			uint32_t feature_information;
			uint32_t amd_extended_cpu_features;
		} x86;
		struct {
			uint32_t cpuid;	     /* MIDR_EL1 */
			uint32_t elf_hwcaps; /* AT_HWCAP */
		} arm;
		struct {
			uint64_t processor_features[2];
		} other;
	} cpu;
} md_system_info_t;

#define MD_MISCINFO_FLAGS1_PROCESS_ID	 0x00000001u
#define MD_MISCINFO_FLAGS1_PROCESS_TIMES 0x00000002u

typedef struct {
	uint32_t size_of_info;
	uint32_t flags1;
	uint32_t process_id;
	uint32_t process_create_time;
	uint32_t process_user_time;
	uint32_t process_kernel_time;
} md_misc_info_t;

/* MemoryInfoList: every mapping, with Windows' protection and type
 * values. */
typedef struct {
	uint32_t size_of_header; /* 16 */
	uint32_t size_of_entry;	 /* 48 */
	uint64_t number_of_entries;
} md_memory_info_list_t;

typedef struct {
	uint64_t base_address;
	uint64_t allocation_base;
	uint32_t allocation_protection;
	uint32_t alignment1;
	uint64_t region_size;
	uint32_t state;
	uint32_t protection;
	uint32_t type;
	uint32_t alignment2;
} md_memory_info_t;

#define MD_MEMORY_PAGE_NOACCESS		 0x01u
#define MD_MEMORY_PAGE_READONLY		 0x02u
#define MD_MEMORY_PAGE_READWRITE	 0x04u
#define MD_MEMORY_PAGE_EXECUTE		 0x10u
#define MD_MEMORY_PAGE_EXECUTE_READ	 0x20u
#define MD_MEMORY_PAGE_EXECUTE_READWRITE 0x40u
#define MD_MEMORY_STATE_COMMIT		 0x1000u
#define MD_MEMORY_TYPE_PRIVATE		 0x20000u
#define MD_MEMORY_TYPE_MAPPED		 0x40000u
#define MD_MEMORY_TYPE_IMAGE		 0x1000000u

/* Crashpad's info stream. */
typedef struct {
	uint8_t bytes[16];
} md_uuid_t;

typedef struct {
	uint32_t version; /* 1 */
	md_uuid_t report_id;
	md_uuid_t client_id;
	md_location_t simple_annotations;
	md_location_t module_list;
} md_crashpad_info_t;

typedef struct {
	uint32_t key;	/* RVA of an md UTF-8 string */
	uint32_t value; /* RVA of an md UTF-8 string */
} md_string_dictionary_entry_t;

/* The Linux DsoDebug stream: r_debug, then (in the stream, after it) the
 * executable's dynamic section; its link_map entries elsewhere. Breakpad's
 * MDRawDebug64 and MDRawLinkMap64 are naturally aligned (outside its
 * packed region): the padding is spelled out here. */
typedef struct {
	uint32_t version;
	uint32_t map; /* RVA of dso_count md_link_map_t */
	uint32_t dso_count;
	uint32_t padding;
	uint64_t brk;
	uint64_t ldbase;
	uint64_t dynamic;
} md_debug_t;

typedef struct {
	uint64_t addr;
	uint32_t name; /* RVA of a UTF-16 MINIDUMP_STRING */
	uint32_t padding;
	uint64_t ld;
} md_link_map_t;

/* The x86-64 context (MDRawContextAMD64): 1232 bytes. */
#define MD_CONTEXT_AMD64		0x00100000u
#define MD_CONTEXT_AMD64_CONTROL	(MD_CONTEXT_AMD64 | 0x1u)
#define MD_CONTEXT_AMD64_INTEGER	(MD_CONTEXT_AMD64 | 0x2u)
#define MD_CONTEXT_AMD64_SEGMENTS	(MD_CONTEXT_AMD64 | 0x4u)
#define MD_CONTEXT_AMD64_FLOATING_POINT (MD_CONTEXT_AMD64 | 0x8u)
#define MD_CONTEXT_AMD64_FULL                                                  \
	(MD_CONTEXT_AMD64_CONTROL | MD_CONTEXT_AMD64_INTEGER |                 \
	 MD_CONTEXT_AMD64_FLOATING_POINT)

typedef struct {
	uint64_t p1_home, p2_home, p3_home, p4_home, p5_home, p6_home;
	uint32_t context_flags;
	uint32_t mx_csr;
	uint16_t cs, ds, es, fs, gs, ss;
	uint32_t eflags;
	uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
	uint64_t rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip;
	uint8_t fxsave[512]; /* the FXSAVE area: x87, MXCSR, xmm0..15 */
	uint8_t vector_register[26][16];
	uint64_t vector_control;
	uint64_t debug_control;
	uint64_t last_branch_to_rip, last_branch_from_rip;
	uint64_t last_exception_to_rip, last_exception_from_rip;
} md_context_amd64_t;

/* The AArch64 context (MDRawContextARM64, Windows' ARM64 CONTEXT): 912
 * bytes. iregs: x0..x28, fp (x29), lr (x30), sp, pc. */
#define MD_CONTEXT_ARM64		0x00400000u
#define MD_CONTEXT_ARM64_CONTROL	(MD_CONTEXT_ARM64 | 0x1u)
#define MD_CONTEXT_ARM64_INTEGER	(MD_CONTEXT_ARM64 | 0x2u)
#define MD_CONTEXT_ARM64_FLOATING_POINT (MD_CONTEXT_ARM64 | 0x4u)
#define MD_CONTEXT_ARM64_FULL                                                  \
	(MD_CONTEXT_ARM64_CONTROL | MD_CONTEXT_ARM64_INTEGER |                 \
	 MD_CONTEXT_ARM64_FLOATING_POINT)
#define MD_CONTEXT_ARM64_REG_FP 29
#define MD_CONTEXT_ARM64_REG_LR 30
#define MD_CONTEXT_ARM64_REG_SP 31
#define MD_CONTEXT_ARM64_REG_PC 32

typedef struct {
	uint32_t context_flags;
	uint32_t cpsr;
	uint64_t iregs[33];
	uint8_t float_regs[32][16]; /* v0..v31 */
	uint32_t fpcr;
	uint32_t fpsr;
	uint32_t bcr[8];
	uint64_t bvr[8];
	uint32_t wcr[2];
	uint64_t wvr[2];
} md_context_arm64_t;

#pragma pack(pop)

_Static_assert(sizeof(md_header_t) == 32, "header");
_Static_assert(sizeof(md_thread_t) == 48, "thread");
_Static_assert(sizeof(md_module_t) == 108, "module");
_Static_assert(sizeof(md_exception_stream_t) == 168, "exception");
_Static_assert(sizeof(md_system_info_t) == 56, "system info");
_Static_assert(sizeof(md_context_amd64_t) == 1232, "amd64 context");
_Static_assert(sizeof(md_context_arm64_t) == 912, "arm64 context");
_Static_assert(offsetof(md_context_arm64_t, iregs[32]) == 0x108, "arm64 pc");
_Static_assert(offsetof(md_context_arm64_t, fpcr) == 784, "arm64 fpcr");
_Static_assert(offsetof(md_context_arm64_t, bvr) == 824, "arm64 bvr");
_Static_assert(sizeof(md_memory_descriptor_t) == 16, "memory descriptor");
_Static_assert(sizeof(md_crashpad_info_t) == 52, "crashpad info");
_Static_assert(sizeof(md_thread_name_t) == 12, "thread name");
_Static_assert(sizeof(md_debug_t) == 40, "dso debug");
_Static_assert(sizeof(md_memory_info_list_t) == 16, "memory info list");
_Static_assert(sizeof(md_memory_info_t) == 48, "memory info");
_Static_assert(sizeof(md_link_map_t) == 24, "link map");

#endif /* WER_MINIDUMP_FORMAT_H */
