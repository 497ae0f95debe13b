#!/bin/sh
# Host gcc under the brand (gcc, cc1, as, collect2, ld: a tree of exec'd dynamic binaries)
# compiling a threaded C program, which then runs under the brand too.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd gcc
for run in native brand; do
	mkdir "$WORK/$run"
	cp "$LXZONE_SRC/host/threaded.c" "$WORK/$run/"
done
build='gcc -O2 -pthread -Wall -Wextra -Werror -o threaded threaded.c && ./threaded && echo built-and-ran'
run_case host-gcc 0 \
	"cd '$WORK/native' && sh -c '$build'" \
	"cd '$WORK/brand' && '$LXRUN' -- /bin/sh -c '$build'"
finish
