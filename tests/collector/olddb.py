#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""olddb.py sqlite|postgresql

Prints the SQL of a collector database at schema version 2 (before
projects were tenants), as collectors up to 0.2.0's first changes wrote
it: ingest keys and a read token in plain text, one bucket holding reports
of two projects (alpha twice, beta once), a symbol row. collector_tests.sh
loads it and checks what version 3's migration makes of it. A plain test
helper: the schema text is the old one, kept here as it was."""
import sys

bucket_id = "INTEGER PRIMARY KEY" if sys.argv[1] == "sqlite" else "BIGSERIAL PRIMARY KEY"
print(f"""
CREATE TABLE schema_version (version BIGINT NOT NULL);
CREATE TABLE ingest_keys (key TEXT PRIMARY KEY, project TEXT NOT NULL, created BIGINT NOT NULL);
CREATE TABLE read_tokens (token TEXT PRIMARY KEY, created BIGINT NOT NULL);
CREATE TABLE buckets (id {bucket_id}, signature TEXT NOT NULL UNIQUE, app TEXT NOT NULL,
  version TEXT NOT NULL, module TEXT NOT NULL, module_offset TEXT NOT NULL, stack_hash TEXT NOT NULL,
  frames TEXT NOT NULL, count BIGINT NOT NULL DEFAULT 0, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL);
CREATE TABLE reports (id TEXT PRIMARY KEY, bucket_id BIGINT NOT NULL REFERENCES buckets(id),
  project TEXT NOT NULL, received BIGINT NOT NULL, app TEXT NOT NULL, version TEXT NOT NULL,
  guid TEXT NOT NULL, signal BIGINT NOT NULL, signal_code BIGINT NOT NULL, fault_address TEXT NOT NULL,
  module TEXT NOT NULL, module_offset TEXT NOT NULL, build_id TEXT NOT NULL, frames TEXT NOT NULL,
  dump_path TEXT NOT NULL, dump_size BIGINT NOT NULL, report_wer TEXT NOT NULL);
CREATE INDEX reports_bucket ON reports(bucket_id, received);
CREATE INDEX reports_received ON reports(received);
CREATE TABLE report_meta (report_id TEXT NOT NULL REFERENCES reports(id), key TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX report_meta_kv ON report_meta(key, value);
CREATE INDEX report_meta_report ON report_meta(report_id);
CREATE TABLE symbols (build_id TEXT PRIMARY KEY, kind TEXT NOT NULL, path TEXT NOT NULL, uploaded BIGINT NOT NULL);
ALTER TABLE reports ADD COLUMN stack_text TEXT NOT NULL DEFAULT '';
INSERT INTO schema_version VALUES (1);
INSERT INTO schema_version VALUES (2);
INSERT INTO ingest_keys VALUES ('plainkey-alpha-0123456789', 'alpha', 1700000000);
INSERT INTO ingest_keys VALUES ('plainkey-beta-0123456789', 'beta', 1700000000);
INSERT INTO read_tokens VALUES ('plaintoken-0123456789abc', 1700000000);
INSERT INTO buckets VALUES (7, 'app | 1.0 | mod+0x10 | 0123456789abcdef', 'app', '1.0', 'mod', '0x10',
  '0123456789abcdef', 'mod\t\t0x10\t\n', 3, 1700000100, 1700000300);
INSERT INTO reports VALUES ('r1', 7, 'alpha', 1700000100, 'app', '1.0', '', 11, 1, '0x0', 'mod', '0x10', '',
  'mod\t\t0x10\t\n', '', 0, '', '');
INSERT INTO reports VALUES ('r2', 7, 'alpha', 1700000200, 'app', '1.0', '', 11, 1, '0x0', 'mod', '0x10', '',
  'mod\t\t0x10\t\n', '', 0, '', '');
INSERT INTO reports VALUES ('r3', 7, 'beta', 1700000300, 'app', '1.0', '', 11, 1, '0x0', 'mod', '0x10', '',
  'mod\t\t0x10\t\n', '', 0, '', '');
INSERT INTO report_meta VALUES ('r1', 'Build', 'a1');
INSERT INTO report_meta VALUES ('r3', 'Build', 'b1');
INSERT INTO symbols VALUES ('abcd', 'sym', '/nowhere/abcd.sym', 1700000000);
""")
