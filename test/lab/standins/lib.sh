# Shared by the pct / qm / pve-firewall stand-ins. Installed into the lab's state dir with
# LAB_STATE filled in; the stand-ins run inside the lab node's mount namespace, where /etc/pve exists.
#
# Cheap on purpose: a fleet benchmark runs 50 lab nodes on two cores, and every process a stand-in
# starts costs more CPU than the bash around it. So bash builtins wherever one does (read, printf,
# [[ =~ ]]), and at most one awk per call, which also sorts: no hostname, cat, sort or grep.
# test/lab/standins.test.ts holds them to the bytes the forking versions printed.
LAB_STATE=@STATE@
PVE_ETC=/etc/pve
read -r NODE </proc/sys/kernel/hostname # what hostname(1) prints
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

check_vmid() {
  if [[ ! "$1" =~ ^[1-9][0-9]{2,8}$ ]]; then
    printf "400 Parameter verification failed.\nvmid: type check ('integer') failed - got '%s'\n" "$1" >&2
    exit 255
  fi
}

need_conf() { # kind (lxc|qemu-server) vmid: sets CONF, the config's path
  local rel=nodes/$NODE/$1/$2.conf
  CONF=$PVE_ETC/$rel
  if [ ! -f "$CONF" ]; then
    echo "Configuration file '$rel' does not exist" >&2
    exit 2
  fi
}

holder_pid() { HOLDER=; read -r HOLDER 2>/dev/null <"$LAB_STATE/pids/guest-$1" || true; } # sets HOLDER

guest_running() {
  local p= c=
  read -r p 2>/dev/null <"$LAB_STATE/pids/guest-$1" || [ -n "$p" ] || return 1
  read -r c 2>/dev/null <"/proc/$p/comm" || return 1
  [ "$c" = sleep ]
}

# The config parser both print_config and list_rows use: line(), called per line, fills val[]
# (the main section, no digest), pend[] and del[] (the pending section: `kind`'s header), raw[]
# (lxc.* lines of the main section, in file order) and desc (the leading # lines, decoded);
# merged() applies pend[] and del[] to val[]. The caller resets them per file.
# shellcheck disable=SC2016
CONFIG_AWK='
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
  function reset() { split("", val); split("", pend); split("", del); split("", raw); nraw = 0; desc = ""; sec = "main"; head = 1 }
  function line(l,  i, k, v, n, j, d) {
    sub(/\r$/, "", l)
    if (l ~ /^\[.*\]$/) { sec = (l == pendhdr) ? "pending" : "other"; head = 0; return }
    if (sec == "main" && head && l ~ /^#/) { desc = desc decode(substr(l, 2)) "\n"; return }
    head = 0
    if (l ~ /^[ \t]*$/ || l ~ /^#/ || sec == "other") return
    if (l ~ /^lxc\.[^ :=]+[ \t]*[:=]/) { if (sec == "main" && kind == "lxc") raw[++nraw] = l; return }
    i = index(l, ":"); if (!i) return
    k = substr(l, 1, i - 1); v = substr(l, i + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
    if (sec == "main") { if (k != "digest") val[k] = v }
    else if (k == "delete") { n = split(v, d, /[,; ]+/); for (j = 1; j <= n; j++) del[d[j]] = 1 }
    else pend[k] = v
  }
  function merged(  k) { for (k in pend) val[k] = pend[k]; for (k in del) delete val[k] }
  function sorted(a, n,  i, j, x) { # insertion sort of a[1..n], byte order (LC_ALL=C)
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j > 0 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
  }
  function readconf(file,  l) { reset(); while ((getline l < file) > 0) line(l); close(file) }
  BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i; pendhdr = (kind == "lxc") ? "[pve:pending]" : "[PENDING]" }
'

# Print a guest config like `pct config` / `qm config`: keys sorted as byte strings, no digest,
# pending values merged (unless --current), snapshots never shown, description URI-escaped,
# raw lxc.* lines last in file order, cipassword masked for QEMU.
# With agent=1, print nothing and succeed only if the merged config's agent is on (qm guest exec).
print_config() { # kind vmid current(0|1) [agent(0|1)], with CONF set by need_conf
  LC_ALL=C awk -v kind="$1" -v current="$3" -v agent="${4:-0}" -v file="$CONF" "$CONFIG_AWK"'
    BEGIN {
      readconf(file)
      if (desc != "") val["description"] = desc
      if (current != 1) merged()
      if (agent == 1) exit !(val["agent"] ~ /^(1|enabled=1)/)
      for (k in val) keys[++n] = k
      sorted(keys, n)
      for (i = 1; i <= n; i++) {
        k = keys[i]; v = val[k]
        if (k == "description") v = encode(v)
        if (kind == "qemu-server" && k == "cipassword") v = "**********"
        print k ": " v
      }
      for (i = 1; i <= nraw; i++) print raw[i]
    }'
}

# The rows of `pct list` / `qm list`, in vmid order (numeric, as sort -n), from one awk over every
# config of the kind, with the values of the merged config (pending applied) and whether the guest
# runs (its holder's pid file and /proc/<pid>/comm, as guest_running reads them). An empty config
# still gets its row.
list_rows() { # kind
  local files=("$PVE_ETC/nodes/$NODE/$1"/*.conf)
  [ -e "${files[0]}" ] || return 0
  LC_ALL=C awk -v kind="$1" -v state="$LAB_STATE" "$CONFIG_AWK"'
    function num(s) { return match(s, /^[0-9]+/) ? substr(s, 1, RLENGTH) + 0 : 0 }
    function before(a, b) { return num(a) < num(b) || (num(a) == num(b) && a < b) }
    function holder(vmid,  f, p, c) { # the pid of a running guest, else ""
      f = state "/pids/guest-" vmid; p = ""
      if ((getline p < f) <= 0 && p == "") { close(f); return "" }
      close(f); sub(/^[ \t]+/, "", p); sub(/[ \t]+$/, "", p)
      f = "/proc/" p "/comm"; c = ""
      if ((getline c < f) <= 0) { close(f); return "" }
      close(f)
      return c == "sleep" ? p : ""
    }
    function bootsize(  disk) { # size in GB of the first disk in boot order=
      disk = ""
      if (match(val["boot"], /^order=[a-z]*[0-9]*/)) disk = substr(val["boot"], 7, RLENGTH - 6)
      if (disk != "" && match(val[disk], /size=[0-9]+G/)) return substr(val[disk], RSTART + 5, RLENGTH - 6)
      return ""
    }
    BEGIN {
      for (a = 1; a < ARGC; a++) {
        v = ARGV[a]; sub(/^.*\//, "", v); sub(/\.conf$/, "", v); vmid[a] = v; file[v] = ARGV[a]
      }
      n = ARGC - 1
      for (i = 2; i <= n; i++) { x = vmid[i]; for (j = i - 1; j > 0 && before(x, vmid[j]); j--) vmid[j + 1] = vmid[j]; vmid[j + 1] = x }
      for (i = 1; i <= n; i++) {
        id = vmid[i]; readconf(file[id]); merged(); pid = holder(id)
        if (kind == "lxc") printf "%-10s %-10s %-12s %-20s\n", id, pid != "" ? "running" : "stopped", val["lock"], val["hostname"]
        else {
          mem = val["memory"]; if (mem == "") mem = 512
          size = bootsize(); if (size == "") size = 0
          printf "%10s %-20s %-10s %-10s %12.2f %-10s\n", id, substr(val["name"], 1, 20), pid != "" ? "running" : "stopped", mem, size, pid != "" ? pid : 0
        }
      }
    }' "${files[@]}"
}

# Runs a command in the guest's network, mount and UTS namespaces with a clean environment,
# as lxc-attach --clear-env does.
guest_exec() { # vmid cmd...
  holder_pid "$1"; shift
  exec nsenter -t "$HOLDER" -n -m -u -- env -i PATH="$GUEST_PATH" HOME=/root TERM="${TERM:-dumb}" "$@"
}
