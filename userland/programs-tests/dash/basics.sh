# dash: expansions, arithmetic, case, loops, functions, positional parameters, getopts, read
set -u
name=world
echo "hello $name" 'single $name' "${name}s" "${#name}"
unset maybe
echo "default=${maybe:-dflt} assign=${maybe2:=assigned} $maybe2 alt=${name:+alt} err=$( (echo ${maybe3?unset-msg}) 2>&1 | sed 's/.*: //')"
path=/usr/local/lib/libfoo.so.1.2
echo "${path#*/}" "${path##*/}" "${path%.*}" "${path%%.*}"
echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((17 / 5)) $((17 % 5)) $((-17 / 5)) $((1 << 10)) $((0x1f)) $((010)) $((5 > 3 && 2 > 1)) $((~0))
i=5; : $((i += 10)); echo $i $((i *= 2)) $i $((i -= 1))
x=3; y=$((x * x + ${#name}))
echo "y=$y"
for w in alpha beta "gamma delta"; do printf '[%s]' "$w"; done; echo
set -- one "two three" four
echo "$#" "$1" "$2" "$*"
for a; do printf '<%s>' "$a"; done; echo
for a in "$@"; do printf '{%s}' "$a"; done; echo
shift; echo "after shift: $# $1"
set -- a b c d e f g h i j k
echo "${10}" "${11}" $#
n=0; while [ $n -lt 5 ]; do n=$((n + 1)); [ $n -eq 2 ] && continue; [ $n -eq 4 ] && break; printf '%d ' $n; done; echo
n=0; until [ $n -ge 3 ]; do n=$((n + 1)); done; echo "until: $n"
for i in 1 2 3; do for j in a b c; do [ $j = b ] && continue 2; printf '%s%s ' $i $j; done; done; echo
classify() {
    case $1 in
        [0-9]|[0-9][0-9]) echo "$1: number" ;;
        *.txt|*.md) echo "$1: document" ;;
        -*) echo "$1: option" ;;
        "") echo "empty" ;;
        *) echo "$1: other" ;;
    esac
}
for v in 7 42 notes.txt README.md -v "" misc; do classify "$v"; done
fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
echo "fact 10 = $(fact 10)"
counter=0
inc() { counter=$((counter + 1)); return $((counter % 2)); }
inc && echo "inc ok $counter" || echo "inc failed $counter"
inc && echo "inc ok $counter" || echo "inc failed $counter"
scoped() { local v=inner; echo "in: $v"; }
v=outer; scoped; echo "out: $v"
f_args() { echo "f got $# args: $*"; }
f_args a "b c" d
OPTIND=1
while getopts "ab:c" opt -a -b val -c rest; do echo "opt=$opt arg=${OPTARG:-}"; done
echo "OPTIND=$OPTIND"
printf '%s\n' "first line" "second line" | { read -r l1; read -r l2; echo "read: $l1 / $l2"; }
echo "a:b:c" | { IFS=: read -r p q r; echo "$r-$q-$p"; }
IFS=,; set -- $(echo "x,y,z"); echo "split into $#: $2"; unset IFS
printf '%5s|%-5s|%05d|%x|%o|%c|%%|%b\n' ab cd 42 255 8 char 'tab\there'
printf 'many: %s %s\n' 1 2 3 4 5
echo "test: $([ -n "x" ] && echo nonempty) $([ -z "" ] && echo empty) $([ 3 -gt 2 ] && echo gt) $([ abc = abc ] && echo eq) $([ ! -e /nonexistent ] && echo noent)"
test -d / && echo "/ is a dir"
[ "a" \< "b" ] && echo "string less"
echo $(( $(echo 6) * 7 ))
readonly ro=1; (ro=2) 2>/dev/null || echo "readonly kept"
type cd | sed 's/ is a .*builtin/ is builtin/'
command -v printf
echo "glob: $(cd / && echo pro[c])"
set -f; echo /*; set +f
alias ll='echo aliased'
eval ll
eval 'x=evaluated'; echo $x
echo "exit status: $(false; echo $?) $(true; echo $?) $(sh -c 'exit 7'; echo $?)"
echo done
