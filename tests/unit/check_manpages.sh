#!/bin/sh
# The generated manual pages and bash completion (docs/CMakeLists.txt): every verb of
# `lxzone --help` is in lxzone(8) and in the completion, every configuration key in
# lxzone.conf(5), every lxrun option in lxrun(1); groff reads the pages without a warning;
# the completion completes a verb and a zone name.
# usage: check_manpages.sh MANDIR LXZONE LXRUN
set -u
dir=$1 lxzone=$2 lxrun=$3
fail=0
bad() { echo "FAIL: $*"; fail=1; }

command -v groff >/dev/null || { echo "SKIP: groff not installed (apt-get install groff-base)"; exit 77; }
command -v bash >/dev/null || { echo "SKIP: bash not installed"; exit 77; }

for p in lxzone.8 lxzone.conf.5 lxrun.1; do
	[ -s "$dir/$p" ] || { bad "$p missing or empty"; continue; }
	w=$(groff -man -ww -Tutf8 -z "$dir/$p" 2>&1)
	[ -z "$w" ] || bad "$p: groff warns: $w"
done

# the verbs, from the help text's "  VERB   USAGE" lines
verbs=$("$lxzone" --help | sed -n '/^Verbs:/,/^$/p' | awk '/^  [a-z]/ { print $1 }')
[ -n "$verbs" ] || bad "no verbs parsed from lxzone --help"
for v in $verbs; do
	grep -q "^\.B $(echo "$v" | sed 's/-/\\\\-/g')\b" "$dir/lxzone.8" || bad "verb $v not in lxzone.8"
	grep -q "verbs=.*\b$v\b" "$dir/lxzone.bash-completion" || bad "verb $v not in the completion"
done
keys=$("$lxzone" help config | awk '/^  [a-z]/ { print $1 }')
[ -n "$keys" ] || bad "no keys parsed from lxzone help config"
for k in $keys; do
	grep -q "^\.B $(echo "$k" | sed 's/-/\\\\-/g')\$" "$dir/lxzone.conf.5" || bad "key $k not in lxzone.conf.5"
done
for o in $("$lxrun" --help | awk '/^  -/ { print $1 }' | sed 's/,$//'); do
	oo=$(echo "$o" | sed 's/-/\\\\-/g; s/\[/\\[/g')
	grep -q "^\.B $oo" "$dir/lxrun.1" || bad "option $o not in lxrun.1"
done

# the completion: "lxzone bo<TAB>" gives boot; "lxzone halt <TAB>" gives the zones of a store
store=$(mktemp -d)
trap 'rm -rf "$store"' EXIT
mkdir -p "$store/bin"
ln -s "$(realpath "$lxzone")" "$store/bin/lxzone"
LXZONE_ROOT=$store/zones PATH=$store/bin:$PATH "$lxzone" create manpage-z1 >/dev/null 2>&1 ||
	bad "create manpage-z1"
got=$(LXZONE_ROOT=$store/zones PATH=$store/bin:$PATH bash -c '
	. "$1"
	COMP_WORDS=(lxzone bo); COMP_CWORD=1; _lxzone; echo "${COMPREPLY[*]}"
	COMP_WORDS=(lxzone halt man); COMP_CWORD=2; _lxzone; echo "${COMPREPLY[*]}"
	COMP_WORDS=(lxzone help co); COMP_CWORD=2; _lxzone; echo "${COMPREPLY[*]}"' \
	sh "$dir/lxzone.bash-completion")
want="boot
manpage-z1
config conf-man completion"
[ "$got" = "$want" ] || bad "completion: got [$got], want [$want]"

[ $fail -eq 0 ] && echo "manual pages and completion agree with the tables"
exit $fail
