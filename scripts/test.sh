#!/usr/bin/env bash
# The test command: installs what the tests need (Debian, as root), builds, runs every test project and
# prints one summary line "N passed, N failed" read from the TRX files, last, for CI.
# Extra arguments go to `dotnet test` (e.g. ./scripts/test.sh --filter "FullyQualifiedName~Sealing").
set -euo pipefail

cd "$(dirname "$0")/.."
repo_root=$(pwd)
results_dir="$repo_root/TestResults"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '==> %s\n' "$*" >&2; }

summary_and_exit() { # passed failed skipped exit_code
    local line="$1 passed, $2 failed"
    if [ "$3" -gt 0 ]; then line="$line, $3 skipped"; fi
    echo "$line"
    exit "$4"
}

# --- 1. System packages the tests shell out to or need at run time -----------------------------------------
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# The web project's build runs `npm ci` for pdf.js, the document viewer (src/Paraphe.Web/PdfJs.targets).
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
{ command -v pdfsig && command -v pdftotext && command -v pdfinfo; } >/dev/null 2>&1 || missing+=(poppler-utils)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
# Fallback fonts for the stamps and the evidence page (Features/Sealing/DejaVuFonts.cs): CJK, Korean, symbols/emoji.
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || missing+=(fonts-droid-fallback)
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || missing+=(fonts-nanum)
ls /usr/share/fonts/truetype/ancient-scripts/Symbola*.ttf >/dev/null 2>&1 || missing+=(fonts-symbola)
# The status page marks channels and findings with emoji (✉️ 📱 ⛔): screenshots should show them as a phone does.
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing+=(fonts-noto-color-emoji)
pg_missing=1
for f in /usr/lib/postgresql/*/bin/initdb; do [ -x "$f" ] && pg_missing=0; done
if [ "$pg_missing" -eq 1 ] && command -v initdb >/dev/null 2>&1; then pg_missing=0; fi

if [ "${#missing[@]}" -gt 0 ] || [ "$pg_missing" -eq 1 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        log "installing missing packages: ${missing[*]:-} $([ "$pg_missing" -eq 1 ] && echo postgresql)"
        apt-get update -qq || log "WARNING: apt-get update failed"
        if [ "$pg_missing" -eq 1 ]; then
            if apt-cache show postgresql-15 >/dev/null 2>&1; then missing+=(postgresql-15); else missing+=(postgresql); fi
        fi
        # Keep going on failure: the tests that need the package will fail and say why.
        apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null \
            || log "WARNING: apt-get install ${missing[*]} failed; some tests will fail"
    else
        log "WARNING: missing system packages (${missing[*]:-}$([ "$pg_missing" -eq 1 ] && echo ' postgresql-15')) and not root:"
        log "         cannot apt-get install them; run as root or install them, some tests will fail."
    fi
fi

if ! command -v dotnet >/dev/null 2>&1; then
    log "ERROR: dotnet SDK not found on PATH (see global.json for the version)"
    summary_and_exit 0 1 0 1
fi

# --- 2. Restore, build, test ----------------------------------------------------------------------------------
rm -rf "$results_dir"

# s3rver (npm, pinned in tests/s3/package-lock.json): the S3-compatible server the storage tests start on loopback
# (tests/Paraphe.Testing/S3rver.cs). Installed again only when the lock file changed (a copy of it is the stamp).
if ! cmp -s tests/s3/package-lock.json tests/s3/node_modules/.paraphe-installed 2>/dev/null \
   || [ ! -f tests/s3/node_modules/s3rver/bin/s3rver.js ]; then
    log "npm ci (tests/s3: s3rver)"
    if (cd tests/s3 && npm ci --no-audit --no-fund --loglevel=error); then
        cp tests/s3/package-lock.json tests/s3/node_modules/.paraphe-installed
    else
        log "WARNING: npm ci in tests/s3 failed; the S3 storage tests will fail"
    fi
fi

log "dotnet restore"
if ! dotnet restore Paraphe.slnx; then
    log "ERROR: restore failed"
    summary_and_exit 0 1 0 1
fi

log "dotnet build"
if ! dotnet build Paraphe.slnx --no-restore; then
    log "ERROR: build failed"
    summary_and_exit 0 1 0 1
fi

log "dotnet test $*"
test_rc=0
dotnet test Paraphe.slnx --no-build --logger "trx;LogFilePrefix=results" --results-directory "$results_dir" "$@" \
    || test_rc=$?

# --- 3. Summary from the TRX files ---------------------------------------------------------------------------
attr() { # attribute-name element-text
    local v
    v=$(printf '%s' "$2" | grep -o " $1=\"[0-9]*\"" | head -n1 | grep -o '[0-9]\+' || true)
    echo "${v:-0}"
}

passed=0 failed=0 skipped=0 trx_count=0
while IFS= read -r -d '' trx; do
    trx_count=$((trx_count + 1))
    counters=$(tr '\n' ' ' <"$trx" | grep -o '<Counters [^>]*>' | head -n1 || true)
    outcome=$(tr '\n' ' ' <"$trx" | grep -o '<ResultSummary [^>]*outcome="[A-Za-z]*"' | grep -o 'outcome="[A-Za-z]*"' \
        | head -n1 | cut -d'"' -f2 || true)
    if [ -z "$counters" ]; then
        log "ERROR: no <Counters> in $trx"
        failed=$((failed + 1))
        continue
    fi
    p=$(attr passed "$counters")
    f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
    # Skipped tests are in total but not in executed (the TRX leaves notExecuted at 0 for them).
    s=$(( $(attr total "$counters") - $(attr executed "$counters") ))
    if [ "$s" -lt 0 ]; then s=0; fi
    # A test host that crashed can leave outcome="Failed" with no failed test counted.
    case "$outcome" in
        Failed|Error|Aborted|Timeout) if [ "$f" -eq 0 ]; then
            log "ERROR: $(basename "$trx") reports outcome=$outcome without a failed test (test host crash?)"
            f=1
        fi ;;
    esac
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done < <(find "$results_dir" -name '*.trx' -print0 2>/dev/null)

if [ "$trx_count" -eq 0 ]; then
    log "ERROR: dotnet test produced no TRX file (exit code $test_rc)"
    summary_and_exit 0 1 0 1
fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
    log "ERROR: dotnet test exited with $test_rc but no TRX reports a failure"
    failed=1
fi

log "$trx_count TRX file(s) under $results_dir"
if [ "$failed" -gt 0 ]; then summary_and_exit "$passed" "$failed" "$skipped" 1; fi
summary_and_exit "$passed" "$failed" "$skipped" 0
