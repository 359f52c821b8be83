#!/bin/bash
# Runs as the lab node's first process: inside the node's network namespace and a fresh, private
# mount + UTS namespace. Shows the scenario's /etc/pve and the Proxmox stand-ins only in this mount
# view (overlays over /etc, /usr/sbin and /usr/bin; writes to /etc land in the state dir), then
# becomes sshd. /root is a fresh tmpfs with Debian's stock dotfiles, so the host's shell setup and
# files do not leak into the node.
set -euo pipefail
S=$1 NODE_HOSTNAME=$2
mount --make-rprivate /
hostname "$NODE_HOSTNAME"
rw_overlay() { # dir layer
  mkdir -p "$S/node/upper/$2" "$S/node/work/$2"
  mount -t overlay "pa-$2" -o "lowerdir=$S/node/$2:$1,upperdir=$S/node/upper/$2,workdir=$S/node/work/$2" "$1"
}
rw_overlay /etc etc
mount -t tmpfs -o mode=700 pa-root /root
cp -a "$S/node/root/." /root/
chmod 700 /root
if [ -d "$S/node/sbin" ]; then
  mount -t overlay pa-sbin -o "lowerdir=$S/node/sbin:/usr/sbin" /usr/sbin
  mount -t overlay pa-bin -o "lowerdir=$S/node/bin:/usr/bin" /usr/bin
fi
exec /usr/sbin/sshd -D -e -f "$S/ssh/sshd_config"
