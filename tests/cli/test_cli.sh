#!/usr/bin/env bash
# End-to-end checks of the `buurt` command: exit codes, error messages, nothing lost or overwritten.
set -u
BUURT=$1
SRC=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { # name, condition result
  if [ "$2" -eq 0 ]; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi
}

"$BUURT" validate "$SRC/scenarios/baseline.toml" > "$T/resolved.toml" 2>/dev/null
check "validate baseline exits 0" $?
grep -q '^residents = 6500' "$T/resolved.toml"; check "validate prints the resolved scenario" $?

printf '[population]\nresidents = 100\n[asking]\ntreshold_mean = 0.3\n' > "$T/broken.toml"
echo "precious" > "$T/existing.h5"
sum_before=$(md5sum < "$T/existing.h5")
"$BUURT" run "$T/broken.toml" --out "$T/existing.h5" --force > "$T/out.txt" 2> "$T/err.txt"
rc=$?
[ $rc -eq 2 ]; check "broken scenario exits 2 (got $rc)" $?
grep -q "broken.toml:4:1: key 'asking.treshold_mean': unknown key; did you mean 'asking.threshold_mean'?" "$T/err.txt"; check "message names file, line, key and a hint" $?
[ "$(md5sum < "$T/existing.h5")" = "$sum_before" ]; check "existing file untouched after bad input" $?
ls "$T" | grep -q tmp; [ $? -ne 0 ]; check "no temp file left after bad input" $?

"$BUURT" run "$SRC/scenarios/baseline.toml" --weeks 3 --set population.residents=500 --out "$T/existing.h5" -q > /dev/null 2> "$T/err.txt"
rc=$?
[ $rc -eq 3 ]; check "existing result refused without --force, exit 3 (got $rc)" $?
grep -q "already exists" "$T/err.txt"; check "refusal says the file exists" $?
[ "$(md5sum < "$T/existing.h5")" = "$sum_before" ]; check "existing file still untouched" $?

"$BUURT" run "$SRC/scenarios/baseline.toml" --set population.residents=abc --out "$T/x.h5" 2> "$T/err.txt"
[ $? -eq 2 ]; check "--set with a bad value exits 2" $?
grep -q "expected an integer" "$T/err.txt"; check "--set error says what was expected" $?

for t in 1 2; do
  "$BUURT" run "$SRC/scenarios/baseline.toml" --weeks 20 --set population.residents=8000 --threads $t --out "$T/t$t.h5" -q > /dev/null 2>&1
  check "run with $t thread(s)" $?
done
if command -v h5diff > /dev/null; then
  h5diff --exclude-path /runtime "$T/t1.h5" "$T/t2.h5" > "$T/diff.txt"
  check "1 and 2 threads give identical HDF5 results (h5diff)" $?
fi
h5dump -H "$T/t1.h5" > /dev/null 2>&1; check "h5dump reads the result" $?

# Ctrl-C in the middle of a run: clean exit, no file under the final name, no temp file.
"$BUURT" run "$SRC/scenarios/baseline.toml" --weeks 5000 --set population.residents=200000 --out "$T/int.h5" -q > /dev/null 2> "$T/err.txt" &
pid=$!
sleep 3
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ]; check "SIGINT exits 130 (got $rc)" $?
[ ! -e "$T/int.h5" ]; check "no result file after SIGINT" $?
ls "$T" | grep -q 'int.h5.tmp'; [ $? -ne 0 ]; check "no temp file after SIGINT" $?

"$BUURT" describe asking.owe_scale | grep -q "source:"; check "describe shows a key with its source" $?
"$BUURT" describe asking.owe_scal 2> "$T/err.txt"; [ $? -eq 2 ]; check "describe unknown key exits 2" $?
grep -q "did you mean 'asking.owe_scale'" "$T/err.txt"; check "describe suggests the key" $?
"$BUURT" run "$T/does_not_exist.toml" 2> "$T/err.txt"; [ $? -eq 2 ]; check "missing scenario exits 2" $?

exit $fail
