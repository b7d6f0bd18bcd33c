#!/usr/bin/env bash
# Fresh-clone check: do the README's two commands pass for a new user?
#
# A new user clones the repository somewhere private and runs `npm install && npm test`. Our own
# checkout hides three ways that can fail, so this script recreates the user's situation:
#   - it clones the committed HEAD (not the working tree), so an uncommitted or untracked file the
#     tests need is missed here exactly as it would be in a user's clone;
#   - the clone sits in a fresh `mktemp -d` directory (mode 0700) with nothing beside it: no
#     ../shared corpus, and other users (the permission tests run as `nobody`) cannot reach it;
#   - two busy-looping processes keep both cores loaded, as on a busy laptop or CI runner, so a test
#     that depends on timing shows it.
# Prints the install and test outcome and exits with the status of `npm install && npm test`.
# KEEP=1 keeps the temporary directory (and its log) for a look afterwards.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d -t recoup-fresh-XXXXXX)
chmod 0700 "$work"
log="$work/npm.log"
burners=()

cleanup() {
  for pid in "${burners[@]}"; do kill "$pid" 2>/dev/null; done
  wait 2>/dev/null
  if [ "${KEEP:-}" = 1 ]; then echo "check:fresh: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "check:fresh: cloning $(git -C "$repo" rev-parse --short HEAD) ($(git -C "$repo" rev-parse --abbrev-ref HEAD)) into $work/recoup"
if ! git clone --quiet --no-hardlinks "$repo" "$work/recoup"; then
  echo "check:fresh: git clone failed"
  exit 1
fi

# Two CPU burners for the length of the check; `timeout` bounds them even if this script is killed
# with SIGKILL (cleanup cannot run then), and forwards our SIGTERM to the loop when cleanup runs.
for _ in 1 2; do
  timeout 900 sh -c 'while :; do :; done' &
  burners+=("$!")
done

start=$(date +%s)
cd "$work/recoup" || exit 1
# A new user has none of the test-tuning variables set.
unset RECOUP_CORPUS RECOUP_FUZZ_RUNS RECOUP_FUZZ_SEED RECOUP_KILL_SEED RECOUP_TEST_KILL_AFTER_CLAIMS RECOUP_LEDGER
if npm install --no-audit --no-fund >"$log" 2>&1; then
  npm test >>"$log" 2>&1
  status=$?
  step="npm test"
else
  status=$?
  step="npm install"
fi
elapsed=$(( $(date +%s) - start ))

# vitest's failures and summary lines (colour codes removed), or the end of the log when npm failed early
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
summary=$(grep -E '^ *(FAIL|×|Test Files|Tests|Duration) ' <<<"$plain" | awk '!seen[$0]++')
if [ -n "$summary" ]; then echo "$summary"; else tail -n 30 <<<"$plain"; fi
if [ "$status" -eq 0 ]; then
  echo "check:fresh: passed (npm install && npm test, ${elapsed} s, both cores busy)"
else
  echo "check:fresh: FAILED in $step (exit $status, ${elapsed} s)"
fi
exit "$status"
