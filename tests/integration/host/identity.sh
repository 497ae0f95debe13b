# What a host program run under the brand (no --root) sees of itself.
echo "exe: $(readlink /proc/self/exe)"
echo "cmdline: $(cat /proc/self/cmdline | tr '\0' ' ')"
echo "comm: $(cat /proc/self/comm)"
echo "shell: $(cat /proc/$$/comm) | $(tr '\0' ' ' </proc/$$/cmdline)| $(readlink /proc/$$/exe)"
echo "ps: $(ps -o comm=,args= -p $$)"
sleep 30 &
p=$!
sleep 0.2
echo "child: $(ps -o comm=,args= -p $p) | $(readlink /proc/$p/exe)"
kill $p
/usr/bin/python3 -c 'import os, sys; print("python:", os.readlink("/proc/self/exe"), sys.executable, open("/proc/self/comm").read().strip(), open("/proc/self/cmdline").read().split("\0")[:2])'
echo "brand mentions: $(cat /proc/$$/cmdline /proc/$$/comm | grep -c 'lxzone-bran[d]')"
# a program renamed or removed while it runs: its exe link follows the file, as the kernel's does
cp /usr/bin/python3 ./idpy && ./idpy -c 'import os; os.rename("idpy", "idpy2"); print("renamed:", os.path.basename(os.readlink("/proc/self/exe")))'
cp /usr/bin/python3 ./idpy && ./idpy -c 'import os; os.unlink("idpy"); print("removed:", os.path.basename(os.readlink("/proc/self/exe")))'
rm -f idpy idpy2
