#!/usr/bin/env bash
# Every option of every command is documented: the options of extract, synth and features in README.md, the
# options of each statistics command in its section of docs/statistics.md ("### `voxomics CMD`"), cox, km and coxnet in
# docs/survival.md; associate, gsea, ora and regress in docs/radiogenomics.md; study in docs/study.md. The option
# names come from the commands' own help, which comes from the tables the parser uses.
set -euo pipefail
vx="$1"
src="$VX_SOURCE_DIR"
fail() { echo "FAIL: $*"; exit 1; }
options_of() { # the long option names of a command's help, without --help and --version
    "$vx" "$1" --help | sed -n '/^options:/,/^$/p' | grep -oE '^  (-[a-zA-Z], |    )--[a-z0-9-]+' |
        grep -oE -- '--[a-z0-9-]+$' | grep -vxE -- '--help|--version'
}
n=0
for c in extract synth features; do
    for o in $(options_of "$c"); do
        [ "$o" = --quiet ] && continue # documented once for every command ("The command line")
        grep -qF -- "$o" "$src/README.md" || fail "README.md does not document $c $o"
        n=$((n + 1))
    done
done
grep -qF -- "--quiet" "$src/README.md" || fail "README.md does not document --quiet"
section_options() { # section_options DOC CMD...: each command's options in its "### `voxomics CMD`" of DOC
    local doc=$1 c o section
    shift
    for c in "$@"; do
        section=$(awk -v h="### \`voxomics $c\`" '$0 == h { on = 1; next } /^##/ { on = 0 } on' "$src/$doc")
        [ -n "$section" ] || fail "$doc has no section for $c"
        for o in $(options_of "$c"); do
            grep -qF -- "\`$o" <<<"$section" || fail "$doc does not document $c $o"
            n=$((n + 1))
        done
    done
}
section_options docs/statistics.md harmonize icc select train predict cv evaluate
section_options docs/survival.md cox km coxnet
section_options docs/radiogenomics.md associate gsea ora regress
section_options docs/study.md study
echo "$n options documented"
