# dash: pipelines, subshells, command substitution, redirections, here-documents
t=${TESTTMP:-/tmp}/dash-pipes.$$
mkdir -p "$t"
cd "$t" || exit 1
echo "one two three" | tr ' ' '\n' | sort -r | tr '\n' ' '; echo
seq 1 1000 | grep 7 | wc -l
seq 1 20 | awk '{ s += $1 } END { print "sum", s }'
printf 'b\na\nc\na\n' | sort | uniq -c | sed 's/^ *//'
echo "$(echo "$(echo nested "$(echo deeper)")")"
echo `echo backticks`
x=$(printf 'trailing\n\n\n'); echo "[$x]"
(cd /; pwd); pwd | sed "s|$t|TMPDIR|"
(exit 3); echo "subshell status $?"
v=1; (v=2; echo "in subshell $v"); echo "outside $v"
{ echo grouped; echo commands; } | wc -l
false | true; echo "pipeline status $?"
true | false; echo "pipeline status $?"
! false; echo "negated $?"
echo out > f1; echo more >> f1; cat f1
echo err 2> f2 1>&2; cat f2
ls /nonexistent-dir 2>/dev/null || echo "ls failed quietly"
{ echo to-stdout; echo to-stderr >&2; } > both 2>&1; sort both
exec 3> fd3; echo "via fd 3" >&3; exec 3>&-; cat fd3
exec 4< f1; read -r first <&4; exec 4<&-; echo "read from fd 4: $first"
cat < f1 > f3; cmp f1 f3 && echo "copied"
: > empty; wc -c < empty
echo data >| f1; cat f1
cat <<EOF2
here-doc with expansion: ${HOME:+home set} $((6 * 7))
  indentation kept, \$escaped, $(echo substituted)
EOF2
cat <<'EOF2'
quoted here-doc: $HOME $(not run) `neither`
EOF2
cat <<-EOF2
	tabs stripped
		mostly
	EOF2
while read -r a b; do echo "$b $a"; done <<EOF2
1 one
2 two
3 three
EOF2
cat <<EOF2 | sed 's/^/> /'
piped here-doc
line 2
EOF2
for i in 1 2 3; do echo "line $i"; done > loop.out; wc -l < loop.out
while read -r l; do echo "got $l"; done < loop.out
if grep -q "line 2" loop.out; then echo "grep found"; fi
n=0; while read -r _; do n=$((n + 1)); done <<EOF2
$(seq 1 500)
EOF2
echo "counted $n"
big=$(seq 1 20000 | tr '\n' ' '); echo "${#big}"
seq 1 100000 | cat | cat | tail -n 1
yes | head -n 3
dd if=/dev/zero bs=1k count=64 2>/dev/null | wc -c
echo "$(seq 1 5 | while read -r k; do printf '%s-' $k; done)"
set -o noclobber; (echo x > f1) 2>/dev/null || echo "noclobber works"; set +o noclobber
cd /; rm -rf "$t"
echo done
