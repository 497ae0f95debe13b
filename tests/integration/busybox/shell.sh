# Pipelines, subshells, exec, here-documents, find | xargs, sort (busybox ash).
set -u
cd /tmp

echo "pipeline: $(printf 'c\nb\na\nb\n' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')"
echo "long pipeline: $(seq 1 2000 | grep 7 | sed 's/7/seven/' | wc -l)"
false | true
echo "pipeline status (last): $?"
echo "pipe to closed reader: $(yes | head -n 3 | tr '\n' ',')"

x=outer
(x=inner; echo "subshell sees: $x")
echo "parent still: $x"
echo "subshell exit: $( (exit 3); echo $?)"
echo "nested: $(echo "a$(echo "b$(echo c)")")"
{ echo grouped-1; echo grouped-2; } | wc -l | sed 's/^/group lines: /'

cat <<END
here-doc: x=$x, $(echo command-substituted), \$literal
END
cat <<'END'
quoted here-doc: $x $(not run)
END
tr a-z A-Z <<-END
	tab-stripped here-doc
	END
while read -r a b; do echo "read from here-doc: $a+$b"; done <<END
1 one
2 two
END

echo "exec replaces: $(sh -c 'exec echo from-exec; echo not-reached')"
echo "exec keeps pid: $(sh -c 'echo $$; exec sh -c "echo \$\$"' | uniq | wc -l) distinct"
exec 3>/tmp/fd3
echo via-fd3 >&3
exec 3>&-
echo "exec redirection: $(cat /tmp/fd3)"
sh -c 'exit 42'
echo "exit status: $?"
nosuchcommand 2>/dev/null
echo "not found: $?"
sh -c 'kill -TERM $$; echo not-reached'
echo "killed by TERM: $?"

mkdir -p /tmp/tree/a/b /tmp/tree/c /tmp/tree/with\ space
for f in a/one a/b/two c/three top "with space/four"; do echo "$f" >"/tmp/tree/$f.txt"; done
echo "find: $(cd /tmp/tree && find . -name '*.txt' | sort | tr '\n' ' ')"
echo "find -type d: $(find /tmp/tree -type d | wc -l)"
echo "xargs cat: $(find /tmp/tree -name '*.txt' -print0 | xargs -0 cat | sort | tr '\n' ' ')"
echo "xargs -n1: $(find /tmp/tree -type f | sort | xargs -n1 basename | tr '\n' ' ')"
echo "xargs -0 -n1: $(find /tmp/tree -type f -print0 | xargs -0 -n1 basename | sort | tr '\n' ' ')"
echo "xargs -I: $(printf 'p\nq\n' | xargs -I{} echo '<{}>' | tr '\n' ' ')"
echo "find -exec: $(find /tmp/tree -name 'two.txt' -exec cat {} \;)"

printf '10 ten\n9 nine\n100 hundred\n9 neun\n' >/tmp/nums
echo "sort: $(sort /tmp/nums | tr '\n' ',')"
echo "sort -n: $(sort -n -k1,1 -k2,2 /tmp/nums | tr '\n' ',')"
echo "sort -rn -u: $(cut -d' ' -f1 /tmp/nums | sort -rn -u | tr '\n' ',')"
echo "sort -t -k2: $(printf 'x:b\ny:a\nz:c\n' | sort -t: -k2 | tr '\n' ',')"
seq 1 5000 | awk 'BEGIN { srand(7) } { print rand(), $0 }' | sort | cut -d' ' -f2 >/tmp/shuffled
echo "shuffled: $(head -n 1 /tmp/shuffled | wc -l) $(sort -c /tmp/shuffled 2>/dev/null && echo sorted || echo unsorted)"
echo "sort big: $(sort -n /tmp/shuffled | md5sum | cut -c1-12) $(seq 1 5000 | md5sum | cut -c1-12)"
echo done
