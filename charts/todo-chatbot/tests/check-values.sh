#!/usr/bin/env bash
# The chart's values matrix: `helm lint --strict` and `helm template` (install and upgrade
# rendering) over ci/*.yaml, and every tests/bad-values/*.yaml rejected with the message
# its first line expects. Usage: tests/check-values.sh [chart dir]; HELM=path/to/helm.
# Renders are left in $OUT_DIR (default: a temporary directory) for schema validation.
set -u
H=${HELM:-helm}
C=${1:-$(cd "$(dirname "$0")/.." && pwd)}
out_dir=${OUT_DIR:-$(mktemp -d)}
fail=0
for f in "$C"/ci/*.yaml; do
  n=$(basename "$f")
  if out=$($H lint --strict "$C" -f "$f" 2>&1); then l=ok; else l=FAIL; fail=1; echo "$out"; fi
  if out=$($H template t "$C" -n demo -f "$f" 2>&1 >"$out_dir/render-$n"); then t=ok; else t=FAIL; fail=1; echo "$out"; fi
  if out=$($H template t "$C" -n demo -f "$f" --is-upgrade 2>&1 >"$out_dir/render-upgrade-$n"); then u=ok; else u=FAIL; fail=1; echo "$out"; fi
  echo "lint=$l template=$t template-upgrade=$u docs=$(grep -c "^kind:" "$out_dir/render-$n") $n"
done
for f in "$C"/tests/bad-values/*.yaml; do
  n=$(basename "$f"); want=$(head -1 "$f" | sed 's/^# expect: //')
  out=$($H lint --strict "$C" -f "$f" 2>&1); lrc=$?
  tout=$($H template t "$C" -f "$f" 2>&1); trc=$?
  # helm lint turns template `fail` into an INFO log: files marked as the chart's own check need only fail template.
  if grep -q "chart's own check" "$f"; then lrc=1; fi
  if [ $lrc -ne 0 ] && [ $trc -ne 0 ] && grep -qF -- "$want" <<<"$tout"; then echo "rejected as expected: $n"
  else echo "NOT REJECTED AS EXPECTED: $n (lint rc=$lrc template rc=$trc)"; echo "$tout" | head -5; fail=1; fi
done
echo "renders: $out_dir"
exit $fail
