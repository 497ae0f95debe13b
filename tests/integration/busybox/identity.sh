# What a guest sees of itself: /proc/<pid>/{exe,cmdline,comm} and ps show the guest's
# programs and arguments, never the brand image.
echo "exe: $(readlink /proc/self/exe)"
echo "cmdline: $(cat /proc/self/cmdline | tr '\0' ' ')"
echo "comm: $(cat /proc/self/comm)"
echo "shell comm: $(cat /proc/$$/comm)"
echo "shell cmdline: $(tr '\0' ' ' </proc/$$/cmdline)"
echo "shell exe: $(readlink /proc/$$/exe)"
echo "exe via ls: $(ls -l /proc/self/exe | sed 's/.* -> //')"
sleep 30 &
p=$!
sleep 0.2
echo "child: $(cat /proc/$p/comm) | $(tr '\0' ' ' </proc/$p/cmdline)| $(readlink /proc/$p/exe)"
# PID 1 is the zone's init (lxrun's, or the native wrapper): not the guest's, left out.
ps -o pid,comm,args >/tmp/ps
awk '$1 != 1 { $1 = ""; print }' /tmp/ps | sort | sed 's/^ /ps:/'
echo "brand visible in ps (besides pid 1): $(awk '$1 != 1' /tmp/ps | grep -c "lxzone-bran[d]")"
echo "brand visible in /proc/*/cmdline,comm: $(for d in /proc/[0-9]*; do [ "${d#/proc/}" = 1 ] && continue; cat $d/cmdline $d/comm 2>/dev/null; done | tr '\0' ' ' | grep -c "lxzone-bran[d]")"
top -b -n 1 >/tmp/top
echo "top shows the sleeping child: $(grep -c 'sleep 30' /tmp/top)"
echo "brand visible in top (besides pid 1): $(awk '$1 != 1' /tmp/top | grep -c "lxzone-bran[d]")"
kill $p
wait $p 2>/dev/null
echo "uname -r: $(uname -r)"
