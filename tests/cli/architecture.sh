#!/usr/bin/env bash
# The dependency rules of docs/architecture.md ("What each folder may include"), checked on the #include lines
# of src/, cli/ and include/voxomics/, plus the library rules on files and standard streams.
# Usage: architecture.sh [voxomics binary] (the binary is not used; CTest passes it to every CLI test).
# VX_SOURCE_DIR: the source tree (default: two folders above this script).
# Each violation prints one line: file:line, the include, the rule it breaks and the fix. Exit 1 on any.
set -u
src_dir=${VX_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src_dir" || { echo "architecture.sh: cannot enter $src_dir"; exit 1; }

# The rules table of docs/architecture.md (between "<!-- rules:begin" and "<!-- rules:end -->"), one row per
# module: | `module` | folder | `public headers` | `modules it may include` |.
doc=docs/architecture.md
[ -f "$doc" ] || { echo "architecture.sh: $src_dir/$doc is missing"; exit 1; }
declare -A HDR=()   # public header -> module
declare -A ALLOW=() # module -> the modules it may include besides itself and base
while IFS='|' read -r _ c_mod _ c_hdr c_allow _; do
    m=$(grep -o '`[a-z_]*`' <<<"$c_mod" | tr -d '`' | head -1)
    [ -n "$m" ] || continue
    for h in $(grep -o '`[a-z_0-9]*\.\(h\|def\)`' <<<"$c_hdr" | tr -d '`'); do HDR[$h]=$m; done
    ALLOW[$m]=$(grep -o '`[a-z]*`' <<<"$c_allow" | tr -d '`' | paste -sd' ')
done < <(sed -n '/^<!-- rules:begin/,/^<!-- rules:end -->/p' "$doc" | grep '^| `')
for m in base image io settings prep filter feature extract cohort cli umbrella; do
    [ "${ALLOW[$m]+set}" = set ] || { echo "architecture.sh: $doc: the rules table has no row for module '$m'"; exit 1; }
done
# src/stats is the statistics folder before its split into table, harmonize, eval and learn.
# Library folders that never open files nor touch the standard streams (they get and return memory).
PURE="image prep filter feature eval survival omics"

fail=0
checked=0
say() { echo "$1"; fail=1; }

for d in src/*/; do
    d=${d%/}
    [ "${ALLOW[${d#src/}]+set}" = set ] ||
        say "$d: no row for module '${d#src/}' in the rules table of $doc; add one (what it may include) before adding code there"
done
for h in include/voxomics/*.h include/voxomics/*.def; do
    [ -n "${HDR[${h#include/voxomics/}]:-}" ] ||
        say "$h: no module names this public header in the rules table of $doc; add it to its module's row"
done

# Module of a file by its path, into $mod.
module_of() {
    case $1 in
        include/voxomics/*) mod=${HDR[${1#include/voxomics/}]:-unknown} ;;
        cli/*) mod=cli ;;
        src/vx_math.h) mod=base ;;
        src/*/*) mod=${1#src/}; mod=${mod%%/*} ;;
        *) mod=unknown ;;
    esac
}
inc_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*"([^"]*)"'

# Every quoted #include of the tree: file, line, target.
while IFS=: read -r file line text; do
    [[ $text =~ $inc_re ]] || continue
    target=${BASH_REMATCH[1]}
    checked=$((checked + 1))
    module_of "$file"
    where="$file:$line: #include \"$target\""
    if [ "$mod" = unknown ]; then
        say "$where: $file is in no module of docs/architecture.md; add its header or folder to the module table there and in tests/cli/architecture.sh"
        continue
    fi
    # resolve the target to a module; private = a header of src/<folder>/
    tmod=""
    private=0
    case $target in
        voxomics/*)
            h=${target#voxomics/}
            if [ ! -e "include/voxomics/$h" ]; then
                say "$where: no such public header"
                continue
            fi
            tmod=${HDR[$h]:-}
            if [ -z "$tmod" ]; then
                say "$where: include/voxomics/$h belongs to no module; add it to the header table of docs/architecture.md and tests/cli/architecture.sh"
                continue
            fi
            ;;
        vx_math.h) tmod=base ;;
        cli/* | ../*)
            say "$where: only cli/ may use the CLI's files and no file reaches outside its tree; move what is needed into the library"
            continue
            ;;
        */*)
            d=${target%%/*}
            if [ ! -d "src/$d" ]; then
                say "$where: no folder src/$d"
                continue
            fi
            tmod=$d
            private=1
            ;;
        *)
            # a header next to the including file
            tmod=$mod
            private=1
            [ "$mod" = base ] && tmod=base
            ;;
    esac

    case $mod in
        umbrella | base | image | io | settings | prep | filter | feature | extract | cohort | table | harmonize | eval | survival | omics | learn | report | study)
            if [[ $file == include/voxomics/* ]]; then
                if [[ $target != voxomics/* ]]; then
                    say "$where: a public header includes only public headers (voxomics/...); declare what it needs in include/voxomics/"
                    continue
                fi
                [ "$mod" = umbrella ] && continue
                if [ "$tmod" = umbrella ]; then
                    say "$where: no public header includes the umbrella voxomics.h; include the module headers it needs"
                    continue
                fi
            fi
            ;;
    esac

    if [ "$mod" = cli ]; then
        if [ "$private" = 1 ] && { [[ $target == */* ]] || [ ! -e "cli/$target" ]; }; then
            say "$where: cli/ includes only the public headers (voxomics/...) and its own headers; what it needs from src/ belongs in a public header"
        fi
        continue
    fi

    # src/ and public headers: the umbrella only where vx_version (declared there) is used
    if [ "$tmod" = umbrella ]; then
        if ! grep -q 'vx_version *(' "$file"; then
            say "$where: the library includes module headers, not the umbrella voxomics.h (allowed only for vx_version); include the headers of the modules it uses"
        fi
        continue
    fi
    [ "$tmod" = base ] && continue
    [ "$tmod" = "$mod" ] && continue
    [ "${ALLOW[$mod]+set}" = set ] || continue # a folder without a row: reported above
    # the internals of a family (src/feature/*.h) and every *_impl.h stay in their own folder
    if [ "$private" = 1 ] && { [ "$tmod" = feature ] || [[ $target == *_impl.h ]]; }; then
        say "$where: src/$tmod/${target#*/} is internal to src/$tmod; use the public header of the module instead"
        continue
    fi
    ok=0
    for a in ${ALLOW[$mod]}; do
        # src/stats (before the split) counts as table, harmonize, eval and learn for the modules after it
        if [ "$a" = "$tmod" ]; then ok=1; fi
    done
    if [ "$tmod" = stats ]; then
        for a in ${ALLOW[$mod]}; do
            case $a in table | harmonize | eval | learn) ok=1 ;; esac
        done
    fi
    if [ "$ok" = 0 ]; then
        kind="module $tmod"
        [ "$private" = 1 ] && kind="the private header of src/$tmod"
        say "$where: $mod may not depend on $kind (data flows one way; $mod may include ${ALLOW[$mod]:-nothing else}); move the declaration upstream or the code downstream"
    fi
done < <(grep -n -E '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' \
    $(find src cli -name '*.[ch]' | sort) include/voxomics/*.h include/voxomics/*.def 2>/dev/null)

# nothing in src/ or include/ names a CLI header
while IFS= read -r hit; do
    say "$hit: the library never includes the CLI's headers; move the declaration into the library"
done < <(grep -n -E '#[[:space:]]*include[[:space:]]*"(cli\.h|stats_common\.h|opts\.h)"' -r src include || true)

# the library never ends the process nor prints (errors go to the caller's vx_error)
while IFS= read -r hit; do
    say "$hit: the library never exits nor prints; return a VX_E* status with the message in vx_error"
done < <(grep -n -E '(^|[^_[:alnum:]])(exit|_Exit|abort|printf|puts|perror)[[:space:]]*\(' -r src --include='*.c' --include='*.h' |
    grep -v -E ':[[:space:]]*(\*|/\*|//)' || true)

# pure stages: no files, no standard streams
for d in $PURE; do
    [ -d "src/$d" ] || continue
    while IFS= read -r hit; do
        say "$hit: src/$d gets and returns memory only (no files, no standard streams); do the I/O in src/io or a writer"
    done < <(grep -n -E '(^|[^_[:alnum:]])((fopen|fdopen|freopen|opendir|open)[[:space:]]*\(|(stdout|stderr|stdin)([^_[:alnum:]]|$))' -r "src/$d" \
        --include='*.c' --include='*.h' | grep -v -E ':[[:space:]]*(\*|/\*|//)' || true)
done

if [ "$checked" -lt 100 ]; then
    say "architecture.sh: only $checked #include lines found under $src_dir; is VX_SOURCE_DIR the source tree?"
fi
if [ "$fail" = 0 ]; then
    echo "architecture: $checked #include lines follow the rules of docs/architecture.md"
fi
exit $fail
