#!/usr/bin/env bash
# Runs every Hotline test. Installs what the tests need when missing (as root), starts a throwaway PostgreSQL so the
# integration suite runs on both SQLite and PostgreSQL, and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")"

log() { printf '== %s\n' "$*" >&2; }

# --- system packages -------------------------------------------------------------------------------------------
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk) # Chinese glyphs in browser screenshots
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd) # a throwaway IMAP server for the email-reply tests
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server) # each multi-node test starts (and stops) its own
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >/tmp/hotline-apt.log 2>&1 \
      || log "apt-get failed (see /tmp/hotline-apt.log); tests needing ${need[*]} will be skipped"
  else
    log "not root: cannot install ${need[*]}; tests needing them will be skipped with a reason"
  fi
fi

# --- a throwaway PostgreSQL --------------------------------------------------------------------------------------
pg_dir=""
pg_port=$(python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])" 2>/dev/null || echo 54329)
pg_bin=""
pg_run=()
stop_postgres() { "${pg_run[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pg_dir"; }
start_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] || return 1
  pg_dir=$(mktemp -d /tmp/hotline-pg.XXXXXX)
  pg_bin=$bin
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || return 1
    chown postgres "$pg_dir"
    pg_run=(runuser -u postgres --)
  fi
  trap stop_postgres EXIT
  "${pg_run[@]}" "$bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 || return 1
  "${pg_run[@]}" "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null 2>&1 || return 1
}
if [ -z "${HOTLINE_TEST_POSTGRES:-}" ]; then
  if start_postgres; then
    export HOTLINE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Pooling=true"
    log "PostgreSQL started on port $pg_port"
  else
    log "PostgreSQL not available: the PostgreSQL run is skipped"
  fi
fi

# --- tests -------------------------------------------------------------------------------------------------------
passed=0; failed=0; skipped=0; status=0
results=$(mktemp -d /tmp/hotline-results.XXXXXX)

run_tests() { # label, then dotnet test arguments
  local label=$1; shift
  log "dotnet test ($label)"
  local out="$results/$label.log"
  # The test servers' Error log entries, kept before their data folders go (see HotlineFactory.KeepServerErrors).
  export HOTLINE_TEST_SERVER_ERRORS="$results/$label-server-errors.json"
  dotnet test "$@" --no-build -c Release --blame-hang-timeout 5m --logger trx --results-directory "$results/$label-trx" 2>&1 \
    | tee "$out" | grep -E '^(Passed!|Failed!)|\[FAIL\]|Skipped ' >&2
  local code=${PIPESTATUS[0]}
  local line p f s found=0
  while IFS= read -r line; do
    found=1
    p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"$line"); s=$(sed -E 's/.*Skipped: *([0-9]+).*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  done < <(grep -E '^(Passed!|Failed!) +- ' "$out")
  if [ "$code" != 0 ] && [ "$found" = 0 ]; then
    log "dotnet test ($label) failed before reporting results"; failed=$((failed + 1))
  fi
  if [ "$code" != 0 ]; then
    # What each failed test said, so a failure in CI can be read from its log alone.
    if [ -s "$HOTLINE_TEST_SERVER_ERRORS" ]; then
      # Connection errors are logged by the servers of tests that dropped their database at teardown: noise here.
      log "server errors logged during the $label run (first 60 but connection errors, cut at 600 characters; a 500 shows its traceId)"
      grep -v '"Name":"Microsoft.EntityFrameworkCore.Database.Connection.ConnectionError"' "$HOTLINE_TEST_SERVER_ERRORS" \
        | grep -v '^== ' | head -n 60 | cut -c1-600 >&2
    fi
    grep -E -A 14 '^  Failed [A-Za-z]' "$out" | head -n 300 >&2
    grep -E '^  Failed [A-Za-z]' "$out" | sed -E "s/^  Failed /  [$label] /" >>"$results/failed-tests.txt"
    status=1
  fi
}

log "dotnet build"
if ! dotnet build Hotline.sln -c Release 2>&1 | tail -n 5 >&2; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

# The multi-node tests (tests/Hotline.Tests/Nodes) run in the PostgreSQL run only: they need one PostgreSQL for all
# their nodes, and start their own redis-server per cluster (on a free port) so they can stop and start it.
pg_url=${HOTLINE_TEST_POSTGRES:-}
HOTLINE_TEST_POSTGRES="" run_tests sqlite Hotline.sln
if [ -n "$pg_url" ]; then
  HOTLINE_TEST_POSTGRES="$pg_url" run_tests postgres tests/Hotline.Tests/Hotline.Tests.csproj
fi

# The slowest tests of each run, so the suite's time (CI allows 30 minutes) can be watched and spent where it matters.
python3 - "$results" >&2 <<'PY' || true
import glob, re, sys, xml.etree.ElementTree as ET
def seconds(d):
    h, m, s = d.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)
for run in sorted(glob.glob(sys.argv[1] + "/*-trx")):
    times = []
    for trx in glob.glob(run + "/*.trx"):
        for r in ET.parse(trx).getroot().iter():
            if r.tag.endswith("UnitTestResult") and r.get("duration"):
                times.append((seconds(r.get("duration")), r.get("testName")))
    times.sort(reverse=True)
    print(f"== slowest tests ({run.rsplit('/', 1)[1][:-4]}; {len(times)} results, {sum(t for t, _ in times) / 60:.1f} test-minutes)")
    for t, name in times[:12]:
        name = re.sub(r"^Hotline[.]Tests[.]", "", name)
        print(f"  {t:7.1f} s  {name[:150]}")
PY

if [ -s "$results/failed-tests.txt" ]; then
  # Last before the summary, so the names survive in a log's tail.
  log "failed tests"
  cat "$results/failed-tests.txt" >&2
fi
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ] && exit $status || exit 1
