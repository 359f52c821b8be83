#!/bin/bash
# Runs as a guest's first process, inside the guest's network namespace and a fresh, private
# mount + UTS namespace. With an extra root dir, the guest gets its own root: a tmpfs that mirrors
# every top-level entry of / by bind mount plus the extra entries (e.g. /ssl), so files such as
# /ssl/phoenix_ca.crt exist only in this guest's view. Then it idles as the namespace holder.
set -euo pipefail
NAME=$1 EXTRA=${2:-} R=${3:-}
mount --make-rprivate /
hostname "$NAME"
if [ -n "$EXTRA" ]; then
  mkdir -p "$R"
  mount -t tmpfs -o mode=755 pa-guestroot "$R"
  for e in /* /.[!.]*; do
    [ -e "$e" ] || [ -L "$e" ] || continue
    n=${e#/}
    if [ -e "$EXTRA/$n" ]; then continue; fi
    if [ -L "$e" ]; then cp -P "$e" "$R/$n"
    elif [ -d "$e" ]; then mkdir "$R/$n"; mount --rbind "$e" "$R/$n"
    else touch "$R/$n"; mount --bind "$e" "$R/$n"; fi
  done
  for e in "$EXTRA"/*; do
    n=${e##*/}; mkdir "$R/$n"; mount --bind -o ro "$e" "$R/$n"
  done
  mkdir "$R/.pa-oldroot"
  cd "$R"
  pivot_root . .pa-oldroot
  umount -l /.pa-oldroot
  rmdir /.pa-oldroot
  cd /
fi
exec sleep infinity
