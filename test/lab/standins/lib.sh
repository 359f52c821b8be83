# Shared by the pct / qm / pve-firewall stand-ins. Installed into the lab's state dir with
# LAB_STATE filled in; the stand-ins run inside the lab node's mount namespace, where /etc/pve exists.
LAB_STATE=@STATE@
PVE_ETC=/etc/pve
NODE=$(hostname)
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

check_vmid() {
  if [[ ! "$1" =~ ^[1-9][0-9]{2,8}$ ]]; then
    printf "400 Parameter verification failed.\nvmid: type check ('integer') failed - got '%s'\n" "$1" >&2
    exit 255
  fi
}

conf_rel() { echo "nodes/$NODE/$1/$2.conf"; } # kind (lxc|qemu-server) vmid

need_conf() {
  local rel; rel=$(conf_rel "$1" "$2")
  if [ ! -f "$PVE_ETC/$rel" ]; then
    echo "Configuration file '$rel' does not exist" >&2
    exit 2
  fi
}

holder_pid() { cat "$LAB_STATE/pids/guest-$1" 2>/dev/null || true; }

guest_running() { # without forks: `pct list` asks this for every guest
  local p= c=
  read -r p 2>/dev/null <"$LAB_STATE/pids/guest-$1" || [ -n "$p" ] || return 1
  read -r c 2>/dev/null <"/proc/$p/comm" || return 1
  [ "$c" = sleep ]
}

# Print a guest config like `pct config` / `qm config`: keys sorted as byte strings, no digest,
# pending values merged (unless --current), snapshots never shown, description URI-escaped,
# raw lxc.* lines last in file order, cipassword masked for QEMU.
print_config() { # kind vmid current(0|1)
  local kind=$1 file pend
  file="$PVE_ETC/$(conf_rel "$1" "$2")"
  if [ "$kind" = lxc ]; then pend='[pve:pending]'; else pend='[PENDING]'; fi
  LC_ALL=C awk -v kind="$kind" -v pendhdr="$pend" -v current="$3" '
    function hexval(h,  i, v) { v = 0; for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789ABCDEF", toupper(substr(h, i, 1))) - 1; return v }
    function decode(s,  out, i, c) {
      out = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "%" && substr(s, i + 1, 2) ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) { out = out sprintf("%c", hexval(substr(s, i + 1, 2))); i += 2 }
        else out = out c
      }
      return out
    }
    function encode(s,  out, i, c, o) {
      out = ""
      for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1); o = ord[c]
        if (o < 32 || o == 127 || c == ":" || c == "%") out = out sprintf("%%%02X", o); else out = out c
      }
      return out
    }
    BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i; sec = "main"; head = 1 }
    { sub(/\r$/, "") }
    /^\[.*\]$/ { sec = ($0 == pendhdr) ? "pending" : "other"; head = 0; next }
    sec == "main" && head && /^#/ { desc = desc decode(substr($0, 2)) "\n"; next }
    { head = 0 }
    /^[ \t]*$/ || /^#/ || sec == "other" { next }
    /^lxc\.[^ :=]+[ \t]*[:=]/ { if (sec == "main" && kind == "lxc") raw[++nraw] = $0; next }
    {
      i = index($0, ":"); if (!i) next
      k = substr($0, 1, i - 1); v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
      if (sec == "main") { if (k != "digest") val[k] = v }
      else if (k == "delete") { n = split(v, d, /[,; ]+/); for (j = 1; j <= n; j++) del[d[j]] = 1 }
      else pend[k] = v
    }
    END {
      if (desc != "") val["description"] = desc
      if (current != 1) { for (k in pend) val[k] = pend[k]; for (k in del) delete val[k] }
      sorter = "LC_ALL=C sort -t: -k1,1"
      for (k in val) {
        v = val[k]
        if (k == "description") v = encode(v)
        if (kind == "qemu-server" && k == "cipassword") v = "**********"
        print k ": " v | sorter
      }
      close(sorter)
      for (i = 1; i <= nraw; i++) print raw[i]
    }' "$file"
}

conf_key() { # kind vmid key -> value from the merged config
  print_config "$1" "$2" 0 | sed -n "s/^$3: //p"
}

# One line per guest of a kind, in vmid order, for `pct list` / `qm list`: "vmid<US>v1<US>v2..." (US,
# the unit separator \x1f: unlike a tab, read keeps the empty fields between two of them) with
# the values of the given keys in the merged config (pending applied, as print_config ... 0 shows it),
# read by one awk over all configs: forking print_config per guest and key made `pct list` take
# seconds on a busy machine. A key "bootsize" is the size in GB of the first disk in boot's order=.
list_keys() { # kind key...
  local kind=$1 pend; shift
  if [ "$kind" = lxc ]; then pend='[pve:pending]'; else pend='[PENDING]'; fi
  local files=()
  for vmid in $(list_vmids "$kind"); do files+=("$PVE_ETC/$(conf_rel "$kind" "$vmid")"); done
  [ ${#files[@]} -gt 0 ] || return 0
  # Each file read with getline: an empty config still gets its line (with empty values).
  LC_ALL=C awk -v pendhdr="$pend" -v keys="$*" '
    function line(  i, k, v, n, j, d) {
      sub(/\r$/, "")
      if ($0 ~ /^\[.*\]$/) { sec = ($0 == pendhdr) ? "pending" : "other"; return }
      if ($0 ~ /^[ \t]*$/ || $0 ~ /^#/ || sec == "other" || $0 ~ /^lxc\.[^ :=]+[ \t]*[:=]/) return
      i = index($0, ":"); if (!i) return
      k = substr($0, 1, i - 1); v = substr($0, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
      if (sec == "main") { if (k != "digest") val[k] = v }
      else if (k == "delete") { n = split(v, d, /[,; ]+/); for (j = 1; j <= n; j++) del[d[j]] = 1 }
      else pend[k] = v
    }
    function emit(file,  k, v, n, i, out, disk, sz, want) {
      for (k in pend) val[k] = pend[k]
      for (k in del) delete val[k]
      v = file; sub(/^.*\//, "", v); sub(/\.conf$/, "", v); out = v
      n = split(keys, want, " ")
      for (i = 1; i <= n; i++) {
        if (want[i] == "bootsize") {
          disk = ""; sz = ""
          if (match(val["boot"], /^order=[a-z]*[0-9]*/)) disk = substr(val["boot"], 7, RLENGTH - 6)
          if (disk != "" && match(val[disk], /size=[0-9]+G/)) sz = substr(val[disk], RSTART + 5, RLENGTH - 6)
          out = out "\037" sz
        } else out = out "\037" val[want[i]]
      }
      print out
    }
    BEGIN {
      for (a = 1; a < ARGC; a++) {
        split("", val); split("", pend); split("", del); sec = "main"
        while ((getline < ARGV[a]) > 0) line()
        close(ARGV[a])
        emit(ARGV[a])
      }
    }' "${files[@]}"
}

list_vmids() { # kind
  local f
  for f in "$PVE_ETC/nodes/$NODE/$1"/*.conf; do
    [ -e "$f" ] || continue
    f=${f##*/}; echo "${f%.conf}"
  done | sort -n
}

# Runs a command in the guest's network, mount and UTS namespaces with a clean environment,
# as lxc-attach --clear-env does.
guest_exec() { # vmid cmd...
  local pid; pid=$(holder_pid "$1"); shift
  exec nsenter -t "$pid" -n -m -u -- env -i PATH="$GUEST_PATH" HOME=/root TERM="${TERM:-dumb}" "$@"
}
