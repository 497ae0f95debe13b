# A tar round trip: files, directories, a symlink, a hard link, modes, gzip.
set -u
src=/tmp/src
mkdir -p $src/dir/sub $src/empty
echo hello >$src/dir/hello.txt
seq 1 20000 >$src/dir/sub/numbers
head -c 65536 /dev/urandom >$src/random.bin
ln -s dir/hello.txt $src/link
ln $src/dir/hello.txt $src/hard
chmod 0750 $src/dir/sub
chmod 0604 $src/dir/hello.txt
listing() { (cd "$1" && find . | sort | while read -r f; do
	if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"
	elif [ -d "$f" ]; then echo "$f/ $(stat -c %a "$f")"
	else echo "$f $(stat -c '%a %s %h' "$f") $(md5sum <"$f" | cut -c1-8)"
	fi; done); }
listing $src >/tmp/before

cd /tmp
tar -cf /tmp/a.tar -C $src .
echo "tar entries: $(tar -tf /tmp/a.tar | wc -l)"
mkdir /tmp/dst && tar -xpf /tmp/a.tar -C /tmp/dst
listing /tmp/dst >/tmp/after
if cmp -s /tmp/before /tmp/after; then echo "plain round trip: identical"; else echo "plain round trip: DIFFERENT"; diff /tmp/before /tmp/after; fi

tar -czf /tmp/a.tgz -C $src .
gzip -t /tmp/a.tgz && echo "gzip: valid"
mkdir /tmp/dstz && gunzip -c /tmp/a.tgz | tar -xpf - -C /tmp/dstz
listing /tmp/dstz >/tmp/afterz
cmp -s /tmp/before /tmp/afterz && echo "gzip round trip: identical"
echo "hard link kept: $(stat -c %h /tmp/dstz/hard)"
echo "through a pipe: $(tar -cf - -C $src dir | tar -tf - | sort | tr '\n' ' ')"
# The listing without checksums (random.bin differs run to run; the round trips compared them).
cut -d' ' -f1-4 /tmp/before
