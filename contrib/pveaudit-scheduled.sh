#!/bin/bash
# pveaudit-scheduled: audit every node of an inventory, diff each audited host against its previous
# run, and exit non-zero on a regression. Called by the systemd service and the cron example here.
#
#   pveaudit-scheduled.sh [CONFIG_FILE]      (default /etc/pveaudit/pveaudit.env, if it exists)
#
# CONFIG_FILE is shell variable assignments (see pveaudit.env.example):
#   PVEAUDIT_INVENTORY   Ansible inventory                          (required)
#   PVEAUDIT_AUDIT       audit file                                 (required)
#   PVEAUDIT_REPORTS     reports directory       (default /var/lib/pveaudit/reports)
#   PVEAUDIT_FAIL_ON_NEW a new finding at or above this is a regression (default medium)
#   PVEAUDIT_RUN_ARGS    more arguments for `pveaudit run`, e.g. "--known-hosts /etc/pveaudit/known_hosts"
#   PVEAUDIT_DIFF_FORMAT formats of the diff written next to each run (default html,pdf,json,md)
#   PVEAUDIT             the command to call     (default pveaudit)
#
# Exit: 0 no regression; 1 a host has a new finding at or above PVEAUDIT_FAIL_ON_NEW; 2 the audit of
# some host could not be completed (or bad configuration). The diff of each host is written to
# REPORTS/<host>/<newest run>-diff/ and its one-paragraph summary printed; index.html is rewritten by run.
set -uo pipefail

config=${1:-/etc/pveaudit/pveaudit.env}
if [ -f "$config" ]; then
  # shellcheck disable=SC1090
  set -a; . "$config"; set +a
elif [ $# -gt 0 ]; then
  echo "pveaudit-scheduled: no such config file: $config" >&2
  exit 2
fi

: "${PVEAUDIT_INVENTORY:?set PVEAUDIT_INVENTORY (the Ansible inventory) in $config}"
: "${PVEAUDIT_AUDIT:?set PVEAUDIT_AUDIT (the audit file) in $config}"
reports=${PVEAUDIT_REPORTS:-/var/lib/pveaudit/reports}
fail_on_new=${PVEAUDIT_FAIL_ON_NEW:-medium}
diff_format=${PVEAUDIT_DIFF_FORMAT:-html,pdf,json,md}
read -r -a pveaudit <<< "${PVEAUDIT:-pveaudit}"
read -r -a run_args <<< "${PVEAUDIT_RUN_ARGS:-}"

mkdir -p "$reports" || exit 2
# Hosts audited by this run are the ones with a run directory newer than this stamp.
stamp=$(mktemp "${TMPDIR:-/tmp}/pveaudit-scheduled.XXXXXX") || exit 2
trap 'rm -f "$stamp"' EXIT
sleep 1 # run directories are named to the second; keep them strictly newer than the stamp

"${pveaudit[@]}" run -i "$PVEAUDIT_INVENTORY" -a "$PVEAUDIT_AUDIT" --out "$reports" "${run_args[@]}"
run_rc=$?
rc=0
if [ "$run_rc" -eq 2 ]; then
  echo "pveaudit-scheduled: the audit of at least one host could not be completed (exit 2)" >&2
  rc=2
fi

regressions=0
for host_dir in "$reports"/*/; do
  host=$(basename "$host_dir")
  newest=$(find "$host_dir" -mindepth 1 -maxdepth 1 -type d -newer "$stamp" -name '2[0-9]*T*Z*' ! -name '*-diff' -printf '%f\n' | sort | tail -n 1)
  [ -n "$newest" ] || continue # not audited this time
  runs=$(find "$host_dir" -mindepth 1 -maxdepth 1 -type d -name '2[0-9]*T*Z*' ! -name '*-diff' | wc -l)
  if [ "$runs" -lt 2 ]; then
    echo "$host: first run, nothing to compare with"
    continue
  fi
  "${pveaudit[@]}" diff --host "$host" --reports "$reports" --out "$host_dir/$newest-diff" \
    --format "$diff_format" --fail-on-new "$fail_on_new"
  case $? in
    0) ;;
    1) regressions=$((regressions + 1)) ;;
    *) echo "pveaudit-scheduled: $host: the diff failed" >&2; rc=2 ;;
  esac
done

if [ "$regressions" -gt 0 ]; then
  echo "pveaudit-scheduled: REGRESSION: $regressions host(s) have new findings at or above $fail_on_new"
  [ "$rc" -eq 0 ] && rc=1
fi
exit "$rc"
