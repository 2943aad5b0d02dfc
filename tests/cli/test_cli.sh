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

# Argument checks: --threads below 1 in every subcommand that takes it (left out, it means all cores),
# bench sizes below the schema minimum of population.residents (10). Exit 2, a message, no file.
B="$SRC/scenarios/baseline.toml"
for t in -3 0; do
  for cmd in "run $B --out $T/threads.h5" "compare $B $B --out $T/threads.h5" "sweep $SRC/scenarios/sweeps/grid.toml --out $T/threads.h5" \
             "bench --sizes 1000 --weeks 1"; do
    # shellcheck disable=SC2086
    "$BUURT" $cmd --threads $t > /dev/null 2> "$T/err.txt"
    rc=$?
    [ $rc -eq 2 ]; check "${cmd%% *} --threads $t exits 2 (got $rc)" $?
    grep -q -- "--threads: $t is below 1" "$T/err.txt"; check "${cmd%% *} --threads $t says why" $?
  done
done
[ ! -e "$T/threads.h5" ] && [ ! -e "$T/threads.h5.partial" ]; check "no file after a bad --threads" $?
for n in 0 9; do
  "$BUURT" bench --sizes 1000,$n --weeks 1 > "$T/out.txt" 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 2 ]; check "bench --sizes 1000,$n exits 2 (got $rc)" $?
  grep -q "$n is below 10, the minimum of population.residents" "$T/err.txt"; check "bench --sizes $n names the minimum" $?
  [ ! -s "$T/out.txt" ]; check "bench --sizes $n benchmarks nothing" $?
done

# The outcome tables: headline outcomes from the schema, units in the labels, money as a difference.
"$BUURT" run "$B" --weeks 5 --set population.residents=400 --out "$T/table.h5" > "$T/out.txt" 2> /dev/null
check "run prints its table" $?
grep -q "^team waiting time (weeks) " "$T/out.txt"; check "run table: label with unit" $?
grep -q "^public cost (euro per week) .*€" "$T/out.txt"; check "run table: money in euros" $?
"$BUURT" compare "$B" "$SRC/scenarios/community_managers.toml" -r 2 --weeks 8 --set population.residents=400 --out "$T/cmp.h5" > "$T/out.txt" 2> /dev/null
check "compare prints its table" $?
grep -q "^residents in need .* pt" "$T/out.txt"; check "compare: a share changes in percentage points" $?
grep "^public cost (euro per week) " "$T/out.txt" | grep -q "%"; [ $? -ne 0 ]; check "compare: money never as a percentage" $?
grep "^public cost (euro per week) " "$T/out.txt" | grep -q "€.*€.*€"; check "compare: money change in euros" $?
grep -q "^  net present value .*€.*€.*€" "$T/out.txt"; check "compare: the MKBA's net present value with an interval" $?
grep -q "the horizon is shorter than mkba.horizon_years = 10" "$T/out.txt"; check "compare: a short horizon is flagged" $?
h5ls "$T/cmp.h5/compare/mkba" | grep -q "^npv "; check "compare: /compare/mkba/npv stored" $?
# Bad MKBA input: a negative price, a discount rate outside [0, 0.2], a low end above its price: exit 2 naming the key.
for bad in costs.secondline_hour=-1 mkba.discount_rate=0.5 mkba.debt_case_low=99999; do
  "$BUURT" compare "$B" "$B" -r 1 --weeks 2 --set population.residents=100 --set "$bad" --out "$T/bad_mkba.h5" > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 2 ] && grep -q "${bad%%=*}" "$T/err.txt"; check "compare --set $bad: exit 2 naming the key (got $rc)" $?
done
[ ! -e "$T/bad_mkba.h5" ]; check "no file after bad MKBA input" $?
"$BUURT" report "$T/cmp.h5" --lang fr --out "$T/cmp_fr.html" > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ] && [ ! -e "$T/cmp_fr.html" ]; check "report --lang fr: exit 2, nothing written" $?
"$BUURT" report "$T/cmp.h5" --lang nl --out "$T/cmp_nl.html" > /dev/null 2>&1 && grep -q "Beslispagina" "$T/cmp_nl.html"
check "report --lang nl opens with the Dutch decision page" $?

# A common start: scenarios that differ in a non-policy key are refused, naming the key; nothing is written.
"$BUURT" compare "$B" "$SRC/scenarios/vulnerable_wijk.toml" -r 2 --weeks 4 --set population.residents=400 --out "$T/two_wijken.h5" > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ]; check "compare of two neighbourhoods exits 2" $?
grep -q "population.share_on_benefits" "$T/err.txt" && grep -q "not a policy key" "$T/err.txt"; check "compare of two neighbourhoods names the key" $?
[ ! -e "$T/two_wijken.h5" ]; check "compare of two neighbourhoods writes nothing" $?
# A renamed key names its new name.
"$BUURT" run "$B" --set team.fte=6.5 --out "$T/renamed.h5" > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ]; check "a renamed key exits 2" $?
grep -q "renamed to team.fte_per_1000" "$T/err.txt"; check "a renamed key names the new key" $?

# Saved neighbourhoods (docs/output.md, State files): a run from a saved neighbourhood is the run that burned it
# in; compare saves one per replicate; another neighbourhood is refused naming the key; nothing is overwritten.
SM="--set population.residents=600 --set run.burn_in=20"
"$BUURT" run "$B" --weeks 6 $SM --out "$T/fresh.h5" --save-state "$T/state.h5" -q > /dev/null 2> "$T/err.txt"
check "run --save-state exits 0" $?
"$BUURT" run "$B" --weeks 6 $SM --out "$T/from.h5" --from-state "$T/state.h5" -q > /dev/null 2> "$T/err.txt"
check "run --from-state exits 0" $?
h5diff -q "$T/fresh.h5" "$T/from.h5" /timeseries > /dev/null; check "a run from the saved neighbourhood has the same time series" $?
"$BUURT" run "$SRC/scenarios/community_managers.toml" --weeks 6 $SM --out "$T/from_policy.h5" --from-state "$T/state.h5" -q > /dev/null 2>&1
check "a policy scenario starts from the saved neighbourhood" $?
"$BUURT" run "$B" --weeks 6 $SM --set ties.meeting_rate=0.03 --out "$T/other.h5" --from-state "$T/state.h5" -q > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ]; check "another neighbourhood from a state file exits 2" $?
grep -q "ties.meeting_rate" "$T/err.txt"; check "the refusal names the first differing key" $?
[ ! -e "$T/other.h5" ]; check "a refused state file writes nothing" $?
"$BUURT" run "$B" --weeks 6 $SM --out "$T/again.h5" --save-state "$T/state.h5" -q > /dev/null 2> "$T/err.txt"
[ $? -eq 3 ] && [ ! -e "$T/again.h5" ]; check "an existing state file is not overwritten (exit 3, nothing written)" $?
"$BUURT" compare "$B" "$SRC/scenarios/community_managers.toml" -r 2 --weeks 6 $SM --out "$T/cmp_save.h5" --save-state "$T/cmp_state.h5" -q > /dev/null 2>&1
check "compare --save-state exits 0" $?
"$BUURT" compare "$B" "$SRC/scenarios/community_managers.toml" -r 2 --weeks 6 $SM --out "$T/cmp_from.h5" --from-state "$T/cmp_state.h5" -q > /dev/null 2>&1
check "compare --from-state exits 0" $?
h5diff -q "$T/cmp_save.h5" "$T/cmp_from.h5" /compare/final > /dev/null; check "compare from saved neighbourhoods gives the same results" $?
"$BUURT" compare "$B" "$SRC/scenarios/community_managers.toml" -r 3 --weeks 6 $SM --out "$T/cmp_more.h5" --from-state "$T/cmp_state.h5" -q > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ] && grep -q "holds 2 neighbourhood" "$T/err.txt"; check "compare with more replicates than saved exits 2" $?

# A sweep over policy keys starts from the saved neighbourhoods with the same results; one over another key is refused.
printf 'name = "policy_grid"\nbase = "%s"\n[fixed]\npopulation.residents = 600\nrun.burn_in = 20\nrun.weeks = 6\n[design]\nkind = "grid"\nreplicates = 2\n[parameters]\nteam.mode = [0.2, 0.8]\n[outcomes]\nfinal = "all"\n' "$B" > "$T/policy_grid.toml"
"$BUURT" sweep "$T/policy_grid.toml" --out "$T/grid_fresh.h5" -q > /dev/null 2>&1
"$BUURT" sweep "$T/policy_grid.toml" --out "$T/grid_from.h5" --from-state "$T/cmp_state.h5" -q > /dev/null 2>&1
check "sweep --from-state exits 0" $?
h5diff -q "$T/grid_fresh.h5" "$T/grid_from.h5" /runs > /dev/null; check "a sweep from saved neighbourhoods gives the same runs" $?
sed -i 's/^team.mode = .*/helping.share_willing = [0.3, 0.5]/' "$T/policy_grid.toml"
"$BUURT" sweep "$T/policy_grid.toml" --out "$T/grid_other.h5" --from-state "$T/cmp_state.h5" -q > /dev/null 2> "$T/err.txt"
[ $? -eq 2 ] && grep -q "helping.share_willing" "$T/err.txt"; check "a sweep over a non-policy key from a state file exits 2 naming it" $?

# A [population] section from one wijk of CBS Kerncijfers wijken en buurten (docs/cbs.md). The fixture is
# synthetic test data in the StatLine layout (tests/sim/scenario/data/README.md).
K="$SRC/tests/sim/scenario/data/kwb_synthetic.csv"
"$BUURT" population from-cbs "$K" --code WK999901 --year 2022 > "$T/pop.toml" 2> "$T/err.txt"
check "population from-cbs exits 0 for a complete row" $?
grep -q '^\[population\]$' "$T/pop.toml" && grep -q '^share_low_income = 0.0650$' "$T/pop.toml" && grep -q '85318NED' "$T/pop.toml"
check "population from-cbs prints the section with its table" $?
{ echo "base = \"$SRC/scenarios/baseline.toml\""; echo 'name = "wijk_fixture"'; cat "$T/pop.toml"; } > "$T/wijk_fixture.toml"
"$BUURT" validate "$T/wijk_fixture.toml" > "$T/resolved.toml" 2> /dev/null; check "buurt validate accepts the printed section" $?
grep -q '^share_couple = 0.2267' "$T/resolved.toml"; check "the printed section sets the population keys" $?
"$BUURT" population from-cbs "$K" --code WK999902 > "$T/out.txt" 2> "$T/err.txt"
rc=$?; [ $rc -eq 2 ]; check "population from-cbs: a suppressed column exits 2 (got $rc)" $?
grep -q "kwb_synthetic.csv:5: HuishoudensMetEenLaagInkomen_78 of WK999902 is suppressed" "$T/err.txt"; check "population from-cbs: names file, column and code" $?
[ ! -s "$T/out.txt" ]; check "population from-cbs: no section after an error" $?
sed 's/;[^;]*$//' "$K" > "$T/no_bijstand.csv"  # drop the last column
"$BUURT" population from-cbs "$T/no_bijstand.csv" --code WK999901 > /dev/null 2> "$T/err.txt"
rc=$?; [ $rc -eq 2 ]; check "population from-cbs: a missing column exits 2 (got $rc)" $?
grep -q "no_bijstand.csv: no column PersonenPerSoortUitkeringBijstand (PersonenPerSoortUitkeringBijstand_83" "$T/err.txt"; check "population from-cbs: names the missing column" $?
"$BUURT" population from-cbs "$K" --code WK123456 > /dev/null 2> "$T/err.txt"
rc=$?; [ $rc -eq 2 ]; check "population from-cbs: an unknown code exits 2 (got $rc)" $?
grep -q "kwb_synthetic.csv: no row with code 'WK123456' in column Codering_3" "$T/err.txt"; check "population from-cbs: names the unknown code" $?
"$BUURT" population from-cbs "$T/missing.csv" --code WK999901 > /dev/null 2> "$T/err.txt"
rc=$?; [ $rc -eq 2 ] && grep -q "missing.csv: cannot open" "$T/err.txt"; check "population from-cbs: a missing file exits 2 naming it (got $rc)" $?
"$BUURT" population from-cbs "$SRC/scenarios/cbs/kwb2022_header.csv" --code WK036301 > /dev/null 2> "$T/err.txt"
rc=$?; [ $rc -eq 2 ] && grep -q "no row with code 'WK036301' in column Codering_3 (0 data rows)" "$T/err.txt"
check "population from-cbs reads the shipped 2022 header (format only, no rows)" $?

exit $fail
