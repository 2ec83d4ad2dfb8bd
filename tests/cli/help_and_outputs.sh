#!/usr/bin/env bash
# Every command explains itself, and every output goes where -o points.
#  - for EVERY command listed by `voxomics help`: `CMD --help`, `CMD -h` and `help CMD` exit 0 with the same
#    text, which has a usage line, "default", an example and the exit statuses; every option the help lists is
#    accepted by the parser (given a value when the help shows one) and -q/--quiet, --version are there;
#  - unknown options and commands exit 2 with the nearest valid name; an option missing its value says so;
#  - `--version`, `version`, `CMD --version` print "voxomics X.Y.Z";
#  - extract: --quiet prints nothing on stderr; `-o -` writes the same bytes as `-o FILE` to stdout; `-o LINK`
#    writes the link's target and keeps the link; `-o FIFO` streams; a failed run leaves an existing output
#    untouched and no temporary file; the same for a statistics command (icc) and features.
set -euo pipefail
vx="$1"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*"; exit 1; }

cmds=$("$vx" help | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 12 ] || fail "voxomics help lists too few commands: $cmds"
for c in $cmds; do
    "$vx" "$c" --help >help1.txt 2>err.txt || fail "$c --help exit $?"
    [ ! -s err.txt ] || fail "$c --help wrote to stderr"
    "$vx" "$c" -h >help2.txt || fail "$c -h exit $?"
    "$vx" help "$c" >help3.txt || fail "help $c exit $?"
    cmp -s help1.txt help2.txt || fail "$c: -h differs from --help"
    cmp -s help1.txt help3.txt || fail "$c: help $c differs from --help"
    grep -q "^usage: voxomics $c" help1.txt || fail "$c: no usage line"
    grep -q "default" help1.txt || fail "$c: no default shown"
    grep -q "^examples:" help1.txt || fail "$c: no example"
    grep -q "^  voxomics " help1.txt || fail "$c: no example command"
    grep -q "^exit status:" help1.txt || fail "$c: no exit status"
    grep -qE "^  -q, --quiet" help1.txt || fail "$c: no --quiet"
    grep -qE "^ +--version" help1.txt || fail "$c: no --version"
    # every option of the help: "  -x, --name METAVAR" or "      --name METAVAR"
    sed -n '/^options:/,/^$/p' help1.txt | grep -E '^  (-[a-zA-Z], |    )--' >opts.txt || fail "$c: no options"
    n=0
    while read -r line; do
        line=${line#-?, }
        name=${line%% *}
        rest=${line#"$name"}
        rest=${rest#" "}
        meta=${rest%% *}
        [ "$name" = "--help" ] || [ "$name" = "--version" ] && continue
        # the help's option column and text share a line (padded) or the text follows on the next line
        # three surplus arguments end every command line with a usage error once the option is parsed:
        # nothing runs, and an option the parser did not know would have been reported first
        set +e
        if [ -n "$meta" ] && [[ "$meta" =~ ^[A-Z]|^[a-z-]+\| ]]; then
            "$vx" "$c" "$name" 1 p1 p2 p3 >/dev/null 2>err.txt </dev/null
        else
            "$vx" "$c" "$name" p1 p2 p3 >/dev/null 2>err.txt </dev/null
        fi
        rc=$?
        set -e
        [ $rc -eq 2 ] || fail "$c $name ... p1 p2 p3: exit $rc, expected 2"
        if grep -qE "unknown option|does not apply|needs a value|takes no value" err.txt; then
            fail "$c: option $name from the help is refused: $(cat err.txt)"
        fi
        n=$((n + 1))
    done <opts.txt
    [ "$n" -ge 1 ] || fail "$c: no option checked"
    "$vx" "$c" --version | grep -qE '^voxomics [0-9]+\.[0-9]+\.[0-9]+$' || fail "$c --version"
done
"$vx" --version | grep -qE '^voxomics [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$vx" version | grep -qE '^voxomics [0-9]+\.[0-9]+\.[0-9]+$' || fail "version"

# did you mean
expect_usage() { # expected-text command...
    local want="$1"
    shift
    set +e
    "$vx" "$@" >/dev/null 2>err.txt
    local rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$* exit $rc, expected 2"
    grep -qF -- "$want" err.txt || fail "$*: expected '$want' in: $(cat err.txt)"
}
expect_usage "unknown option '--confg' (did you mean --config?)" extract --confg x.yaml
expect_usage "try 'voxomics extract --help'" extract --confg x.yaml
expect_usage "(did you mean --lambda-1se?)" select --lamda-1se
expect_usage "(did you mean --harmonize-batch?)" cv --harmonise-batch site
expect_usage "(did you mean --youden-from?)" evaluate --youden-form p.csv
expect_usage "(did you mean --nonparametric?)" harmonize --non-parametric
expect_usage "(did you mean --lobulation?)" synth --lobulaton 0.2
expect_usage "(did you mean --format?)" features --fromat csv
expect_usage "option '--model' does not apply to icc" icc --model svm
expect_usage "unknown command 'extrct' (did you mean extract?)" extrct
expect_usage "unknown command 'harmonise' (did you mean harmonize?)" harmonise
expect_usage "unknown command 'evaluat' (did you mean evaluate?)" help evaluat
expect_usage "option --config needs a value" extract --config
expect_usage "option --threads needs a whole number from 1 to 4096, not 'many'" extract --threads many
expect_usage "option --quiet takes no value" extract --quiet=yes

# outputs of extract
"$vx" synth --size 24 --radius 5 --seed 2 -o case -q 2>err.txt
[ ! -s err.txt ] || fail "synth --quiet wrote to stderr: $(cat err.txt)"
cfg="$VX_SOURCE_DIR/configs/examples/ct_3d.yaml"
"$vx" extract --config "$cfg" -o file.csv case/image.nii.gz case/mask.nii.gz 2>err.txt
[ -s err.txt ] || fail "extract without --quiet printed no summary"
"$vx" extract --config "$cfg" --quiet -o quiet.csv case/image.nii.gz case/mask.nii.gz 2>err.txt
[ ! -s err.txt ] || fail "extract --quiet wrote to stderr: $(cat err.txt)"
"$vx" extract --config "$cfg" -q -o - case/image.nii.gz case/mask.nii.gz >stdout.csv 2>/dev/null
# the tables differ only in nothing: same settings, same inputs (provenance holds no time stamp or path)
cmp -s file.csv stdout.csv || fail "-o - differs from -o FILE"
cmp -s file.csv quiet.csv || fail "--quiet changed the table"
[ "$(head -c 4 stdout.csv)" = "case" ] || fail "-o - did not write the table header"

mkdir -p real
echo old >real/target.csv
ln -s real/target.csv link.csv
"$vx" extract --config "$cfg" -q -o link.csv case/image.nii.gz case/mask.nii.gz
[ -L link.csv ] || fail "-o link.csv replaced the link"
cmp -s file.csv real/target.csv || fail "-o link.csv did not write the link's target"
[ "$(ls -A real)" = "target.csv" ] || fail "temporary file left beside the target: $(ls -A real)"

mkfifo pipe
cat pipe >from_fifo.csv &
reader=$!
"$vx" extract --config "$cfg" -q -o pipe case/image.nii.gz case/mask.nii.gz
wait "$reader"
[ -p pipe ] || fail "-o FIFO replaced the fifo"
cmp -s file.csv from_fifo.csv || fail "-o FIFO: the reader got other bytes"

# a failed run keeps the old output and leaves no temporary file
mkdir -p keep
echo precious >keep/out.csv
set +e
"$vx" extract --config "$cfg" -q -o keep/out.csv case/image.nii.gz case/no_such_mask.nii.gz 2>err.txt
rc=$?
set -e
[ $rc -eq 1 ] || fail "extract with a missing mask: exit $rc"
[ "$(cat keep/out.csv)" = precious ] || fail "failed extract touched the old output"
[ "$(ls -A keep)" = "out.csv" ] || fail "failed extract left: $(ls -A keep)"

# statistics command (icc) and features: -o -, symbolic link, no partial file on a data error
icc_data="$VX_SOURCE_DIR/tests/data/stats/shrout_fleiss_1979.csv"
"$vx" icc "$icc_data" --subject target --rater judge -o icc.csv
"$vx" icc "$icc_data" --subject target --rater judge -o - >icc_stdout.csv
cmp -s icc.csv icc_stdout.csv || fail "icc -o - differs from -o FILE"
echo old >real/icc.csv
ln -s real/icc.csv icc_link.csv
"$vx" icc "$icc_data" --subject target --rater judge -o icc_link.csv
[ -L icc_link.csv ] && cmp -s icc.csv real/icc.csv || fail "icc -o LINK"
echo precious >keep/icc.csv
set +e
"$vx" icc "$icc_data" --subject target --rater no_such_column -o keep/icc.csv 2>/dev/null
rc=$?
set -e
[ $rc -eq 1 ] && [ "$(cat keep/icc.csv)" = precious ] || fail "failed icc touched its output (exit $rc)"
[ "$(ls -A keep | tr '\n' ' ')" = "icc.csv out.csv " ] || fail "failed icc left: $(ls -A keep)"
"$vx" features -o - | cmp -s - <("$vx" features) || fail "features -o -"
echo "help of $(echo "$cmds" | wc -w) commands, suggestions and outputs: ok"
