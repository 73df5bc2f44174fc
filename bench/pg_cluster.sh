# SPDX-License-Identifier: MIT
# pg_cluster.sh: sourced by the benchmarks. pg_cluster_start DIR [SETTINGS]
# creates a throwaway PostgreSQL cluster in DIR (owned by nobody when run
# as root: initdb refuses root), listening on a socket in DIR only, and
# sets pgbin, pg_url (its postgres database, user wer), pg_stop (the
# command that stops it) and as_pg. SETTINGS are more "-c name=value"
# server options. Returns non-zero, with the log shown, when it cannot.
pg_cluster_start() {
	local dir=$1 port=$((20000 + $$ % 20000))
	shift
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
	[ -n "$pgbin" ] && [ -x "$pgbin/initdb" ] || { echo "PostgreSQL's initdb is not installed"; return 77; }
	as_pg=()
	mkdir -p "$dir"
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$dir"
		as_pg=(runuser -u nobody --)
	fi
	"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U wer -E UTF8 >/dev/null 2>&1 || return 1
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
		-o "-k $dir -p $port -c listen_addresses= $*" start >/dev/null || { cat "$dir/log"; return 1; }
	pg_stop="${as_pg[*]} $pgbin/pg_ctl -D $dir/data -m fast stop"
	pg_url="postgresql:///postgres?host=$dir&port=$port&user=wer"
}
