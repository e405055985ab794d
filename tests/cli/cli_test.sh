#!/usr/bin/env bash
# End-to-end tests of the caerec command-line tool.
#
# usage: cli_test.sh CAEREC_BINARY CASE
# Each CASE is one meson test (tests/cli/meson.build). Data is generated
# here (small, with planted structure); nothing is read from outside.
set -u

CAEREC=$1
CASE=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/caerec-cli-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

FAILURES=0
fail() {
    echo "FAIL: $*" >&2
    FAILURES=$((FAILURES + 1))
}

# run NAME EXPECTED_EXIT ARGS...: runs caerec, keeps NAME.out / NAME.err.
run() {
    local name=$1 want=$2
    shift 2
    "$CAEREC" "$@" >"$name.out" 2>"$name.err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$name: 'caerec $*' exited $got, expected $want; stderr: $(head -c 600 "$name.err")"
        return 1
    fi
    return 0
}

# An error is exactly one line on stderr, starting with "caerec: ".
one_error_line() {
    local name=$1
    local lines
    lines=$(wc -l <"$name.err")
    if [ "$lines" -ne 1 ] || ! grep -q '^caerec: ' "$name.err"; then
        fail "$name: expected one 'caerec: ' error line, got: $(cat "$name.err")"
    fi
}

# expect_error NAME CODE PATTERN ARGS...: exit code, one line, mentions PATTERN.
expect_error() {
    local name=$1 code=$2 pattern=$3
    shift 3
    run "$name" "$code" "$@" || return
    one_error_line "$name"
    if [ -n "$pattern" ] && ! grep -q -- "$pattern" "$name.err"; then
        fail "$name: error message lacks '$pattern': $(cat "$name.err")"
    fi
}

json_ok() {
    python3 -c 'import json,sys; json.load(sys.stdin)' <"$1" ||
        fail "$1 is not valid JSON: $(head -c 400 "$1")"
}

# py FILE CODE: runs python code with d = the JSON object of FILE; the code
# asserts.
py_check() {
    local file=$1 code=$2
    python3 - "$file" <<EOF || fail "check on $file failed: $code"
import json, math, sys
d = json.load(open(sys.argv[1]))
$code
EOF
}

# Small data with structure: users and items in two groups; a user consumes
# about 40% of the items, liking (4-5) its own group's items and disliking
# (1-2) the others, with some 3s. Test cells are disjoint from train cells.
make_data() {
    awk 'BEGIN {
        for (u = 1; u <= 30; u++) for (i = 1; i <= 40; i++) {
            h = (u * 7 + i * 13) % 5
            if (h > 2) continue
            r = (u % 2 == i % 2) ? 4 + int(i / 3) % 2 : 1 + int(i / 3) % 2
            if ((u + i) % 7 == 0) r = 3
            line = u "\t" i "\t" r "\t" (1000000 + u * 100 + i)
            if (h < 2) print line > "train.tsv"; else print line > "test.tsv"
        }
    }'
    # The same training data as CSV with a header, and as MovieLens .dat.
    { echo "user,item,rating"; awk -F'\t' '{ print $1 "," $2 "," $3 }' train.tsv; } >train.csv
    awk -F'\t' '{ print $1 "::" $2 "::" $3 "::" $4 }' train.tsv >train.dat
}

SMALL=(--hidden 8 --c1 4 --c2 4 --epochs 3 --batch 8 --threads 1 --seed 7)

train_small() {
    run train 0 train --train train.tsv --model model.bin "${SMALL[@]}" \
        --orientation user --quiet "$@" || return 1
    [ -s model.bin ] || { fail "train wrote no model"; return 1; }
}

case "$CASE" in

help)
    run help 0 --help && grep -q 'recommend' help.out || fail "caerec --help"
    run version 0 --version && grep -q '[0-9]\.[0-9]\.[0-9]' version.out ||
        fail "caerec --version"
    for c in demo train eval predict recommend info; do
        run "help_$c" 0 "$c" --help || continue
        grep -q "usage: caerec $c" "help_$c.out" || fail "$c --help text"
        [ -s "help_$c.err" ] && fail "$c --help wrote on stderr"
    done
    ;;

usage)
    make_data
    expect_error noargs 2 "" 
    expect_error unknown_cmd 2 "frobnicate" frobnicate
    expect_error positional 2 "extra" info extra
    expect_error no_model 2 "--model" train --train train.tsv
    expect_error no_train 2 "--train" train --model m.bin
    expect_error bad_int 2 "hidden" train --train train.tsv --model m.bin --hidden abc
    expect_error bad_int2 2 "hidden" train --train train.tsv --model m.bin --hidden 12x
    expect_error range_opt 2 "dropout" train --train train.tsv --model m.bin --dropout 1.5
    expect_error unknown_opt 2 "no-such-option" train --train train.tsv --model m.bin --no-such-option 3
    expect_error missing_value 2 "epochs" train --train train.tsv --model m.bin --epochs
    expect_error bad_scale 2 "scale" train --train train.tsv --model m.bin --scale 1,3,2
    expect_error bad_scale2 2 "scale" train --train train.tsv --model m.bin --scale 1:5:0.3
    expect_error bad_fraction 2 "valid-fraction" train --train train.tsv --model m.bin --valid-fraction 1.5
    expect_error both_valid 2 "valid" train --train train.tsv --model m.bin --valid test.tsv --valid-fraction 0.1
    expect_error bad_format 2 "format" train --train train.tsv --model m.bin --format xml
    expect_error quiet_value 2 "quiet" train --train train.tsv --model m.bin --quiet=yes
    expect_error eval_no_test 2 "--test" eval --model m.bin
    expect_error eval_k0 2 "k" eval --model m.bin --test test.tsv --k 0
    expect_error eval_flag 2 "--bogus" eval --model m.bin --test test.tsv --bogus
    expect_error predict_no_pairs 2 "--pairs" predict --model m.bin
    expect_error rec_no_mode 2 "--user" recommend --model m.bin
    expect_error rec_two_modes 2 "exactly one" recommend --model m.bin --user 1 --history train.tsv
    expect_error rec_bad_user 2 "user" recommend --model m.bin --user 1.5
    expect_error rec_bad_score 2 "score" recommend --model m.bin --user 1 --score best
    expect_error rec_k0 2 "" recommend --model m.bin --user 1 -k 0
    expect_error info_no_model 2 "--model" info
    expect_error demo_flag 2 "--bogus" demo --bogus
    # Nothing was written by the failed commands.
    [ -e m.bin ] && fail "a usage error wrote a model"
    ;;

demo)
    # A reduced size keeps the test quick under sanitizers and valgrind; the
    # default demo is the same code path with bigger numbers.
    run demo 0 demo --users 200 --items 100 --epochs 2 --threads 1 || exit 1
    for want in 'RMSE' 'recall@10' 'top 5 for user 1' 'fold-in'; do
        grep -q "$want" demo.out || fail "demo output lacks '$want'"
    done
    [ -s demo.err ] && fail "demo wrote on stderr: $(cat demo.err)"
    ;;

train)
    make_data
    train_small --log log.jsonl --checkpoint ckpt.bin || exit 1
    [ -s train.out ] && fail "train --quiet wrote on stdout"
    [ -s train.err ] && fail "train --quiet wrote on stderr: $(cat train.err)"
    [ "$(wc -l <log.jsonl)" -eq 3 ] || fail "log has $(wc -l <log.jsonl) lines, expected 3"
    python3 -c '
import json, sys
for n, line in enumerate(open("log.jsonl"), 1):
    d = json.loads(line)
    assert d["epoch"] == n, d
    assert isinstance(d["loss"], float) and d["loss"] == d["loss"], d
' || fail "log.jsonl lines are not per-epoch JSON"
    [ -s ckpt.bin ] || fail "no checkpoint written"

    # Not quiet, not a terminal: one plain progress line per epoch.
    run train_verbose 0 train --train train.tsv --model m2.bin "${SMALL[@]}"
    [ "$(grep -c '^epoch ' train_verbose.err)" -eq 3 ] ||
        fail "expected 3 epoch lines: $(cat train_verbose.err)"
    grep -q $'\r' train_verbose.err && fail "progress rewrites lines on a non-terminal"
    [ -s train_verbose.out ] && fail "train wrote on stdout"

    # Validation: a file, or a fraction of the training file.
    run train_valid 0 train --train train.tsv --valid test.tsv --model m3.bin "${SMALL[@]}"
    grep -q 'rmse' train_valid.err || fail "no validation figures: $(cat train_valid.err)"
    run train_frac 0 train --train train.tsv --valid-fraction 0.2 --model m4.bin "${SMALL[@]}"
    grep -q 'rmse' train_frac.err || fail "no validation figures with --valid-fraction"

    # Every input format, an explicit scale, and generic options.
    run train_csv 0 train --train train.csv --model m5.bin "${SMALL[@]}" --quiet
    run train_dat 0 train --train train.dat --format dat --model m6.bin "${SMALL[@]}" --quiet
    run train_scale 0 train --train train.tsv --scale 1:5:1 --model m7.bin "${SMALL[@]}" --quiet \
        --lr-decay 0.8 --early-stop loss --like-threshold 4 --act-out sigmoid
    run info_scale 0 info --model m7.bin && py_check info_scale.out '
assert d["scale"] == [1, 2, 3, 4, 5], d["scale"]
assert d["config"]["lr-decay"] == 0.8, d["config"]
assert d["config"]["act-out"] == "sigmoid", d["config"]
'

    # Resume from the checkpoint: continues and saves a model.
    run resume 0 train --resume ckpt.bin --model m8.bin --quiet
    [ -s m8.bin ] || fail "resume saved no model"
    ;;

info)
    make_data
    train_small || exit 1
    run info 0 info --model model.bin || exit 1
    json_ok info.out
    py_check info.out '
s = d["sizes"]
assert s["users"] == 30 and s["items"] == 40, s
assert s["params"] > 0 and s["levels"] == 5 and s["types"] == 0, s
assert d["scale"] == [1, 2, 3, 4, 5], d["scale"]
assert d["types"] == [], d
c = d["config"]
assert c["hidden"] == 8 and c["c1"] == 4 and c["epochs"] == 3, c
assert c["orientation"] == "user" and c["seed"] == 7, c
assert d["library_version"].count(".") == 2, d
assert "epochs_trained" in d, d
'
    ;;

eval)
    make_data
    train_small || exit 1
    run eval 0 eval --model model.bin --test test.tsv || exit 1
    json_ok eval.out
    py_check eval.out '
for k in (10, 20, 50):
    for m in ("recall", "ndcg", "precision", "hit"):
        v = d["%s@%d" % (m, k)]
        assert 0 <= v <= 1, (m, k, v)
assert d["n_ratings"] == 240, d["n_ratings"]
assert d["skipped"] == 0, d
assert d["users"] == 30, d
assert 0 < d["rmse"] < 4 and 0 < d["mae"] <= d["rmse"], d
'
    run eval_k 0 eval --model model.bin --test test.tsv --k 5 && py_check eval_k.out '
assert "recall@5" in d and "recall@10" in d and "recall@50" in d and d["k"] == 5, d
'
    # Unknown users and items in the test file are skipped and counted.
    { cat test.tsv; printf '99\t1\t4\n1\t99\t4\n'; } >test_unknown.tsv
    run eval_unknown 0 eval --model model.bin --test test_unknown.tsv &&
        py_check eval_unknown.out 'assert d["skipped"] == 2 and d["n_ratings"] == 240, d'
    ;;

predict)
    make_data
    train_small || exit 1
    printf 'user,item\n1,1\n1,2\n\n1,3\n2,1\n' >pairs.csv
    run predict 0 predict --model model.bin --pairs pairs.csv || exit 1
    head -1 predict.out | grep -q $'^user\titem\tp_sample\tp_consume\trating\tp_like\tp_1\tp_2\tp_3\tp_4\tp_5$' ||
        fail "predict header: $(head -1 predict.out)"
    [ "$(wc -l <predict.out)" -eq 5 ] || fail "predict wrote $(wc -l <predict.out) lines, expected 5"
    python3 - <<'EOF' || fail "predict values"
rows = [l.rstrip("\n").split("\t") for l in open("predict.out")][1:]
assert [r[:2] for r in rows] == [["1","1"],["1","2"],["1","3"],["2","1"]], rows
for r in rows:
    v = [float(x) for x in r[2:]]
    assert 0 <= v[0] <= 1 and 0 <= v[1] <= 1 and 1 <= v[2] <= 5 and 0 <= v[3] <= 1, r
    assert abs(sum(v[4:]) - 1) < 1e-3, r
EOF
    # A ratings file works as a pairs file (extra fields ignored).
    run predict_tsv 0 predict --model model.bin --pairs test.tsv
    [ "$(wc -l <predict_tsv.out)" -eq 241 ] || fail "predict on test.tsv: $(wc -l <predict_tsv.out) lines"
    # Unknown pairs are skipped with one warning line; all unknown is exit 3.
    printf '1 1\n999 1\n1 999\n' >some_unknown.txt
    run predict_some 0 predict --model model.bin --pairs some_unknown.txt &&
        [ "$(wc -l <predict_some.out)" -eq 2 ] || fail "predict with unknown pairs"
    grep -q 'skipped 2' predict_some.err || fail "no skip warning: $(cat predict_some.err)"
    printf '999 1\n' >all_unknown.txt
    expect_error predict_all_unknown 3 "all_unknown.txt" predict --model model.bin --pairs all_unknown.txt
    printf '1 1\n1 x\n' >bad_pairs.txt
    expect_error predict_malformed 3 "bad_pairs.txt:2" predict --model model.bin --pairs bad_pairs.txt
    printf '1\n' >short_pairs.txt
    expect_error predict_short 3 "short_pairs.txt:1" predict --model model.bin --pairs short_pairs.txt
    printf '1 99999999999999999999\n' >overflow_pairs.txt
    expect_error predict_overflow 3 "overflow_pairs.txt:1" predict --model model.bin --pairs overflow_pairs.txt
    : >empty_pairs.txt
    expect_error predict_empty 3 "empty_pairs.txt" predict --model model.bin --pairs empty_pairs.txt
    expect_error predict_missing 3 "nope.txt" predict --model model.bin --pairs nope.txt
    ;;

recommend)
    make_data
    train_small || exit 1
    run rec_user 0 recommend --model model.bin --user 1 -k 5 || exit 1
    head -1 rec_user.out | grep -q $'^user\trank\titem\tscore\tp_sample\tp_consume\trating\tp_like\tp_1' ||
        fail "recommend header: $(head -1 rec_user.out)"
    python3 - <<'EOF' || fail "recommend --user rows"
rows = [l.rstrip("\n").split("\t") for l in open("rec_user.out")][1:]
assert len(rows) == 5, rows
assert [r[1] for r in rows] == ["1", "2", "3", "4", "5"], rows
scores = [float(r[3]) for r in rows]
assert scores == sorted(scores, reverse=True), scores
seen = {l.split("\t")[1] for l in open("train.tsv") if l.split("\t")[0] == "1"}
assert not seen & {r[2] for r in rows}, "recommended a seen item"
EOF
    run rec_seen 0 recommend --model model.bin --user 1 -k 40 --include-seen &&
        [ "$(wc -l <rec_seen.out)" -eq 41 ] || fail "--include-seen should rank all 40 items"
    run rec_score 0 recommend --model model.bin --user 2 --k 3 --score rating &&
        [ "$(wc -l <rec_score.out)" -eq 4 ] || fail "--score rating"
    printf '1\n2\n2\n3\n' >users.txt
    run rec_users 0 recommend --model model.bin --users users.txt -k 2 &&
        [ "$(cut -f1 rec_users.out | tail -n +2 | tr '\n' ' ')" = "1 1 2 2 3 3 " ] ||
        fail "recommend --users: $(cat rec_users.out)"
    printf '1\n999\n' >users_unknown.txt
    run rec_users_unknown 0 recommend --model model.bin --users users_unknown.txt -k 2
    grep -q 'skipped 1' rec_users_unknown.err || fail "no warning for unknown user"
    expect_error rec_unknown_user 3 "999" recommend --model model.bin --user 999

    # Fold-in: new user ids, scored from their history alone.
    awk -F'\t' '$1 == 1 { print 5000 "\t" $2 "\t" $3 } $1 == 2 { print 5001 "\t" $2 "\t" $3 }' train.tsv >history.tsv
    run rec_history 0 recommend --model model.bin --history history.tsv -k 4 || exit 1
    python3 - <<'EOF' || fail "recommend --history rows: $(cat rec_history.out)"
rows = [l.rstrip("\n").split("\t") for l in open("rec_history.out")][1:]
assert sorted({r[0] for r in rows}) == ["5000", "5001"], rows
assert len(rows) == 8, rows
hist = {}
for l in open("history.tsv"):
    u, i, _ = l.split("\t")
    hist.setdefault(u, set()).add(i)
for r in rows:
    assert r[2] not in hist[r[0]], "recommended a history item"
EOF
    printf '7000\t1\t3.5\n' >history_bad.tsv
    expect_error rec_history_bad 3 "history_bad.tsv" recommend --model model.bin --history history_bad.tsv
    ;;

bad_data)
    make_data
    # A rating off the given scale, with the line named.
    { head -5 train.tsv; printf '1\t39\t7\n'; } >off_scale.tsv
    expect_error off_scale 3 "off_scale.tsv:6" train --train off_scale.tsv --scale 1,2,3,4,5 --model m.bin "${SMALL[@]}"
    { head -5 train.tsv; printf '1\t39\n2\tabc\t4\n'; } >malformed.tsv
    expect_error malformed 3 "malformed.tsv" train --train malformed.tsv --model m.bin "${SMALL[@]}"
    { head -5 train.tsv; printf '1\t99999999999999999999999\t4\n'; } >overflow.tsv
    expect_error overflow 3 "overflow.tsv:6" train --train overflow.tsv --model m.bin "${SMALL[@]}"
    : >empty.tsv
    expect_error empty 3 "empty.tsv" train --train empty.tsv --model m.bin "${SMALL[@]}"
    expect_error missing 3 "missing.tsv" train --train missing.tsv --model m.bin "${SMALL[@]}"
    [ -e m.bin ] && fail "bad data produced a model"
    # A test file with a level the model does not know.
    train_small || exit 1
    printf '1\t1\t2.5\n' >half.tsv
    expect_error eval_off_scale 3 "half.tsv" eval --model model.bin --test half.tsv
    { head -3 test.tsv; printf 'garbage line here\n'; } >garbage.tsv
    expect_error eval_malformed 3 "garbage.tsv" eval --model model.bin --test garbage.tsv
    ;;

bad_model)
    make_data
    train_small || exit 1
    size=$(wc -c <model.bin)
    head -c $((size / 2)) model.bin >truncated.bin
    expect_error truncated 4 "truncated.bin" info --model truncated.bin
    expect_error truncated_eval 4 "truncated.bin" eval --model truncated.bin --test test.tsv
    head -c 4096 /dev/urandom >random.bin
    expect_error random 4 "random.bin" info --model random.bin
    cp train.tsv text.bin
    expect_error text 4 "text.bin" predict --model text.bin --pairs test.tsv
    : >empty.bin
    expect_error empty 4 "empty.bin" recommend --model empty.bin --user 1
    expect_error missing 4 "missing.bin" info --model missing.bin
    # One flipped byte in the middle fails the checks.
    cp model.bin flipped.bin
    printf '\xff' | dd of=flipped.bin bs=1 seek=$((size / 2)) conv=notrunc status=none
    cmp -s model.bin flipped.bin || expect_error flipped 4 "flipped.bin" info --model flipped.bin
    expect_error bad_resume 4 "random.bin" train --resume random.bin --model m.bin
    ;;

other)
    make_data
    # Output that cannot be written is exit code 1.
    expect_error unwritable_model 1 "" train --train train.tsv --model no/such/dir/m.bin "${SMALL[@]}" --quiet
    expect_error unwritable_log 1 "no/such/dir/log" train --train train.tsv --model m.bin --log no/such/dir/log "${SMALL[@]}" --quiet
    ;;

*)
    echo "unknown case '$CASE'" >&2
    exit 2
    ;;
esac

if [ "$FAILURES" -ne 0 ]; then
    echo "$CASE: $FAILURES failure(s)" >&2
    exit 1
fi
echo "$CASE: ok"
