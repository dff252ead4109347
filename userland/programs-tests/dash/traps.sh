# dash: traps, signals, background jobs, wait, exit codes
trap 'echo "EXIT trap runs last"' EXIT
trap 'echo "caught USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap 'echo "caught TERM"; got_term=1' TERM
kill -TERM $$
echo "got_term=${got_term:-no}"
trap - TERM
trap '' HUP
kill -HUP $$
echo "HUP ignored"
trap | sed 's/^trap -- //' | sort
sleep 0.2 & pid=$!
wait $pid; echo "wait status $?"
(exit 42) & wait $!; echo "bg exit $?"
sh -c 'kill -TERM $$' & wait $!; echo "killed by TERM: $?"
sleep 10 & p=$!; kill $p; wait $p; echo "sleep killed: $?"
jobs_out=${TESTTMP:-/tmp}/dash-jobs.$$
for i in 3 1 2; do (sleep 0.$i; echo "job $i") & done > "$jobs_out"; wait; sort "$jobs_out"; rm -f "$jobs_out"; echo "all jobs done"
( trap 'echo "subshell INT"; exit 5' INT; sh -c 'kill -INT $PPID'; echo "after kill in subshell" ) ; echo "subshell status $?"
f() { trap 'echo "RETURN-ish via EXIT in subshell"' EXIT; echo "in f"; }
( f )
echo "$(trap 'echo trap-in-cmdsubst' EXIT; echo cmdsubst-body)"
set -e
( false; echo "set -e is ignored on the left of ||" ) || echo "not reached"
set +e
sh -c 'exit 300'; echo "exit 300 -> $?"
sh -c 'kill -9 $$'; echo "SIGKILL -> $?"
count=0
trap 'count=$((count + 1))' USR2
for i in 1 2 3 4 5; do kill -USR2 $$; done
echo "USR2 count $count"
trap - USR2
sleep 0.1 &
jobs >/dev/null
wait
echo "waited; \$! was set: $([ -n "$!" ] && echo yes)"
echo "end of script"
exit 7
