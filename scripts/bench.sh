#!/usr/bin/env bash
# Measures fireground's costs side by side with their floors, in one run, on
# data sets it builds: one incident of 100, 10k and 100k events (1M with
# FULL=1) and a history of 2,000 incidents of 100 events. Machines are
# noisy, so every figure is a ratio to a floor measured in the same run:
# the sqlite3 shell reading the same rows, `git fetch` in the same working
# copy, or the same command on a small log. Prints a markdown table.
#
#   scripts/bench.sh            # about two minutes after the release build
#   FULL=1 scripts/bench.sh     # adds the 1M-event incident
#   RUNS=9 scripts/bench.sh     # more runs per median (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}

if ! command -v sqlite3 >/dev/null; then
    echo "installing the sqlite3 shell (the floor of the reads)…" >&2
    if [ "$(id -u)" = 0 ]; then apt-get install -y sqlite3 >&2; else sudo apt-get install -y sqlite3 >&2; fi
fi

cargo build --release --quiet --bin fireground --example generate
FG=$PWD/target/release/fireground
GEN=$PWD/target/release/examples/generate
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export FIREGROUND_USER=bench XDG_DATA_HOME=$WORK/xdg XDG_CONFIG_HOME=$WORK/xdg TZ=UTC
unset FIREGROUND_INCIDENT

# The median wall time of a command, in milliseconds.
ms() {
    local times=()
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p"
}

# Peak memory of a program (not a shell function), in MiB.
peak() {
    /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1 / 1024}'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }'; }

row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }

# A database holding a data set, imported the way a teammate's log arrives.
database() {
    local name=$1
    shift
    "$GEN" "$@" "$WORK/$name.jsonl"
    FIREGROUND_DB=$WORK/$name.db "$FG" sync "$WORK/$name.jsonl" >/dev/null
    echo "$WORK/$name.db"
}

echo "building the data sets…" >&2
SIZES="100 10000 100000"
[ -n "${FULL:-}" ] && SIZES="$SIZES 1000000"
declare -A DB
for n in $SIZES; do DB[$n]=$(database "e$n" events "$n"); done
HISTORY=$(database history incidents 2000 100)
INCIDENT=$(sqlite3 "${DB[100]}" "select incident from event_log limit 1")
BIG=100000
[ -n "${FULL:-}" ] && BIG=1000000

floor_read() { sqlite3 "$1" "select body from event_log where incident = '$INCIDENT'"; }
# The rows print reads: the incident's timeline in order, each entry's text
# (its own, or its event's body), as the store reads them.
floor_timeline() {
    sqlite3 "$1" "select t.at_ms, t.author, t.kind, coalesce(t.text, e.body), t.marks, t.named
        from timeline t left join events e on e.rowid = t.event and t.text is null
        where t.incident = (select key from incidents where incident = '$INCIDENT')
        order by t.at_ms, t.hlc_ms, t.hlc_c, t.replica, t.id"
}
fg() { FIREGROUND_DB=$1 "$FG" "${@:2}"; }

echo "measuring…" >&2
echo "| what | measured | floor | ratio | target |"
echo "|---|---|---|---|---|"

for n in 100000 $([ -n "${FULL:-}" ] && echo 1000000); do
    a=$(ms fg "${DB[$n]}" status --json)
    b=$(ms floor_read "${DB[$n]}")
    row "\`status --json\` at $n events vs sqlite3 reading its rows" "$a ms" "$b ms" "$(ratio "$a" "$b")" "≤ 1.5x"
done

a=$(ms fg "${DB[100000]}" log "a note on a long incident")
b=$(ms fg "${DB[100]}" log "a note on a short incident")
row "one \`log\` at 100k events vs at 100" "$a ms" "$b ms" "$(ratio "$a" "$b")" "≤ 1.5x"

for n in 100000 $([ -n "${FULL:-}" ] && echo 1000000); do
    a=$(ms fg "${DB[$n]}" print --format text)
    b=$(ms floor_read "${DB[$n]}")
    row "\`print --format text\` at $n events vs sqlite3 reading its rows" "$a ms" "$b ms" "$(ratio "$a" "$b")" "≤ 2x"
    c=$(ms floor_timeline "${DB[$n]}")
    row "\`print --format text\` at $n events vs sqlite3 reading the timeline rows it prints" "$a ms" "$c ms" "$(ratio "$a" "$c")" "≤ 2x"
done

for format in text markdown html json; do
    m=$(peak env FIREGROUND_DB="${DB[$BIG]}" "$FG" print --format "$format")
    f=$(peak sqlite3 "${DB[$BIG]}" "select body from event_log where incident = '$INCIDENT'")
    row "\`print --format $format\` peak memory at $BIG events" "$m MiB" "$f MiB (sqlite3)" "" "< 64 MiB"
done

a=$(ms fg "$HISTORY" list)
b=$(ms fg "${DB[100]}" list)
row "\`list\` with 2,000 incidents vs with one" "$a ms" "$b ms" "$(ratio "$a" "$b")" "≤ 50 ms, flat"
m=$(peak env FIREGROUND_DB="$HISTORY" "$FG" list)
row "\`list\` with 2,000 incidents, peak memory" "$m MiB" "" "" "flat in history"

a=$(ms fg "$HISTORY" status)
b=$(ms fg "${DB[100]}" status)
row "\`status\` (no --incident) with 2,000 incidents vs with one" "$a ms" "$b ms" "$(ratio "$a" "$b")" "flat"

for n in $SIZES; do
    rows=$(sqlite3 "${DB[$n]}" "select count(*) from events")
    db=$(stat -c %s "${DB[$n]}")
    jsonl=$(stat -c %s "$WORK/e$n.jsonl")
    row "database size per event at $n events" "$((db / rows)) B" "$((jsonl / rows)) B per JSON line" "$(ratio "$db" "$jsonl")" "≤ 1.2x"
done

# Sync: a no-op against a shared file and against git, beside git fetch.
SHARED=$WORK/shared.jsonl
cp "$WORK/e10000.jsonl" "$SHARED"
cp "${DB[10000]}" "$WORK/noop.db"
fg "$WORK/noop.db" sync "$SHARED" >/dev/null
a=$(ms fg "$WORK/noop.db" sync "$SHARED")
row "no-op shared-file sync at 10k events" "$a ms" "" "" "flat"

git init --quiet --bare "$WORK/remote.git"
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
cp "${DB[10000]}" "$WORK/git.db"
fg "$WORK/git.db" sync "$WORK/remote.git" >/dev/null
fg "$WORK/git.db" sync "$WORK/remote.git" >/dev/null
COPY=$(dirname "$(find "$WORK/xdg" -name HEAD -path '*/.git/HEAD' | head -1)")/..
a=$(ms fg "$WORK/git.db" sync "$WORK/remote.git")
b=$(ms git -C "$COPY" fetch --quiet)
row "no-op git sync vs \`git fetch\` in the same working copy" "$a ms" "$b ms" "$(ratio "$a" "$b")" "≤ 1.2x"

# Idle console: CPU over ten seconds on the biggest incident.
if command -v tmux >/dev/null; then
    tmux -L fgbench kill-server 2>/dev/null || true
    tmux -L fgbench new-session -d -x 120 -y 40 "FIREGROUND_DB=${DB[$BIG]} $FG"
    sleep 3
    pid=$(pgrep -n -f "^$FG\$" || true)
    if [ -n "$pid" ]; then
        t0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        sleep 10
        t1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        hz=$(getconf CLK_TCK)
        cpu=$(awk -v d=$((t1 - t0)) -v hz="$hz" 'BEGIN { printf "%.1f", 100 * d / hz / 10 }')
        row "idle console CPU at $BIG events" "$cpu %" "" "" "< 1 %"
    fi
    tmux -L fgbench kill-server 2>/dev/null || true
fi

echo >&2
echo "The console's key-to-frame and open costs are criterion benches: cargo bench --bench console" >&2
