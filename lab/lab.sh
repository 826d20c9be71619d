#!/usr/bin/env bash
# The Paddock lab: N real libvirt hosts in network namespaces on one Linux machine.
#
#   lab.sh install      apt-get what the lab needs (fast when present)
#   lab.sh up [N]       start hosts h1..hN (default 3) and print their URIs
#   lab.sh down         stop everything the lab started and remove it; safe to run twice
#   lab.sh status       say whether a lab is up, and where
#   lab.sh register [URL]   add the hosts to a running Paddock (also done by `up` when PADDOCK_URL is set; an
#                       https URL with a self-signed certificate needs PADDOCK_CACERT, the file the server printed)
#   lab.sh power N on|off|status   press host hN's power through its BMC (IPMI lanplus, as fence_ipmilan does)
#   lab.sh storage      print the storage network's iSCSI portal and target and its NFS export (when a lab is up)
#   lab.sh template     print the path of the template guest's disk (template.qcow2 in the cache), building it
#                       first if needed: a disk SeaBIOS boots that applies a cloud-init NoCloud seed
#   lab.sh wan HOST RATE DELAY_MS   put host hN across a WAN: every packet between hN and anything else on labbr0
#                       rate limited (tbf, e.g. 100mbit, each way) and delayed DELAY_MS each way (labwan.c on NFQUEUE)
#   lab.sh wan-off HOST             back on the LAN: rate limits, iptables rules and labwan processes removed
#   lab.sh wan-cut HOST / wan-restore HOST   cut hN's link (its eth0 down, from inside its namespace) / restore it
#   lab.sh port HOST NAME VLAN ADDRESS/PREFIX   a machine on a VLAN of hN's switch: network namespace lp-NAME whose
#                       eth0 (ADDRESS) is the peer of port lp-NAME on hN's sw0, an access port of VLAN (0: untagged);
#                       tests run probes there (ip netns exec lp-NAME ...), a gateway or a capture for instance
#   lab.sh port-del NAME            remove it (down removes every one)
#
# PADDOCK_LAB_DIR is the lab's working directory (default /var/tmp/paddock-lab); guest kernels and QEMU
# capabilities are cached in PADDOCK_LAB_CACHE (default /var/cache/paddock-lab) so later `up`s are fast.
# Only one lab can hold the 10.77.0.x addresses at a time: `up` fails when one is up already.
# PADDOCK_LAB_KEEP_FAILED=1 leaves an `up` that failed in place, to read its logs (then run `down`).
#
# Layout:
#   root ns: labbr0 10.77.0.254/24, labmgmt0 10.78.0.254/24,
#            labstor0 10.79.0.254/24 (the storage network),
#            labvm0 10.79.8.254/24 (the guests' network: every host's vmbr0 joins it through veth hN-vm),
#            unreachable routes for 10.77.0.0/16, 10.78.0.0/16 and 10.79.0.0/16; iptables/ip6tables FORWARD
#            drop rules for what would be routed into or out of labvm0 (guests are never routed anywhere)
#   ns hN:   eth0 10.77.0.N/24, libvirtd listening on 10.77.0.N:16509 (tcp, no auth) and 10.77.0.N:16514 (TLS: a
#            server certificate of the lab's CA, client certificates of that CA required), sshd on 10.77.0.N:22
#            (root with the lab's key only: libvirt's ssh transports reach libvirtd through virt-ssh-helper),
#            virtlockd, virtlogd,
#            bridge vmbr0 for guest NICs, its port eth2 the peer of hN-vm in labvm0 (no address in hN)
#            Open vSwitch switch sw0 (userspace datapath: this kernel has no OVS module; ovsdb-server and
#            ovs-vswitchd in hN, its database also on 10.77.0.N:6640, OpenFlow on 10.77.0.N:6653), its port trunk0
#            (every VLAN) the peer of hN-tr in labtrunk0, the root namespace's plain bridge that plays the
#            physical trunk between the hosts' switches (no address: nothing is routed to or from it)
#            eth1 10.79.0.N/24 on the storage network
#   ns lst:  eth0 10.79.0.200/24, Debian's tgt serving iSCSI target iqn.2026-12.dev.paddock:lab on 10.79.0.200:3260,
#            LUN 1 a 256 MiB file $L/storage/lun1.img, open to every initiator; hosts reach it with libvirt's own
#            initiator (iscsi-direct pools): this kernel has no SCSI initiator, so no kernel iscsi pool here;
#            nfs-ganesha (userspace, NFSv3 and v4) exporting $L/nfs/export as 10.79.0.200:/export/paddock, with
#            its own rpcbind in a private mount namespace: this kernel has no NFS client either, so guests reach it
#            through QEMU's own NFS client (network disks), never a netfs pool
#   ns mhN:  eth0 10.78.0.N/24, hN's BMC (lab/labbmc.py, IPMI on udp 623, admin/password): power on starts
#            hN's daemons, power off kills every process of hN and empties its run/ (a reboot)
#   $L/pki               the lab's CA (ca-cert.pem), each host's server certificate (hN/), and two client
#                        directories in libvirt's pkipath layout: client/ (a certificate of the lab's CA:
#                        qemu+tls://10.77.0.N/system?pkipath=$L/pki/client) and rogue/ (one of another CA: refused)
#   $L/ssh               the lab's client key (id_lab), authorized_keys, known_hosts of every host, each host's
#                        host key and sshd_config (hN/), and a key no host accepts (id_other)
#   $L/shared            plays NFS: vmlinuz, initrd.img, images/, lockspace/ (the disks' lockd leases), and
#                        fixed/, a tmpfs (16 GiB at most, in memory only as far as it is written) whose free space only
#                        what is written there moves
#   $L/hosts/hN/{run,lib,log,cache,etc}   bound over the libvirt directories inside hN
#   $L/wan/hN            a host across a WAN (lab.sh wan): its settings, and the pid file, "ready" file and log of
#                        each labwan delaying its packets (one per receiving namespace)
set -euo pipefail

L="${PADDOCK_LAB_DIR:-/var/tmp/paddock-lab}"
CACHE="${PADDOCK_LAB_CACHE:-/var/cache/paddock-lab}"
OWNER=/run/paddock-lab.owner
BRIDGE=labbr0
NET=10.77.0
MGMT_BRIDGE=labmgmt0
MGMT=10.78.0
STORAGE_BRIDGE=labstor0
STORAGE=10.79.0
GUEST_BRIDGE=labvm0
GUEST_NET=10.79.8
TRUNK_BRIDGE=labtrunk0
SWITCH=sw0
ISCSI_PORTAL=10.79.0.200
ISCSI_TARGET=iqn.2026-12.dev.paddock:lab
# tgtd's control socket is one per control number on the machine, whatever the namespace: the lab's own number.
TGT_CONTROL=79
NFS_SERVER=10.79.0.200
NFS_EXPORT=/export/paddock
BMC_USER=admin
BMC_PASSWORD=password
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PACKAGES=(qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients busybox-static cpio iproute2
  python3-pyghmi ipmitool fence-agents tgt libvirt-daemon-driver-storage-iscsi-direct
  nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils qemu-block-extra
  syslinux syslinux-common mtools dosfstools genisoimage iptables openssh-server gcc libc6-dev libnetfilter-queue-dev
  openvswitch-switch ethtool tcpdump)
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk)

say() { printf 'lab: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
need_root() { [ "$(id -u)" -eq 0 ] || die "the lab needs root (network namespaces, bridges, libvirtd)"; }

cmd_install() {
  local missing=() pkg
  for pkg in "${PACKAGES[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root
  say "installing ${missing[*]}"
  apt-get update -qq >/dev/null
  # The lab starts the daemons it needs itself, in its namespaces: no package may start a service on the machine
  # (openssh-server would listen on every address), so a policy refuses them while packages install.
  local policy=/usr/sbin/policy-rc.d made_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { [ -z "$made_policy" ] || rm -f "$policy"; die "apt-get install ${missing[*]} failed"; }
  [ -z "$made_policy" ] || rm -f "$policy"
}

# Lab traffic must never leave the machine: with the lab down, lab addresses are refused locally.
install_safety_routes() {
  local net routes
  routes="$(ip route show table main type unreachable)"
  for net in 10.77.0.0/16 10.78.0.0/16 10.79.0.0/16; do
    case "$routes" in
      *"unreachable $net "*) ;;
      *) ip route add unreachable "$net" metric 4000 ;;
    esac
  done
}

# The guest: a Debian cloud kernel and a busybox initramfs whose /init writes a heartbeat counter to the
# console and to sector 0 of /dev/vda every second, and appends numbered records to a records disk (a disk whose
# first sector starts with PDKREC01) as fast as it can. Built once into the cache.
# The cloud kernel has no driver for any watchdog QEMU emulates, so the cache also holds the generic kernel of the
# same release (vmlinuz-watchdog) and the initramfs carries the modules of both, under /lib/modules/<release>.
# Booted with vmlinuz-watchdog, /init loads i6300esb and feeds /dev/watchdog; with paddock.hang=N on the kernel
# command line it stops feeding after N seconds, as a hung OS would. The cloud kernel boots exactly as before.
# GUEST_VERSION is written beside the cached files: change it with the initramfs, so older caches are rebuilt.
# The cache also holds template.qcow2, the template guest (see build_template).
GUEST_VERSION=8-forge
WATCHDOG_MODULES=(watchdog i6300esb)

guest_is_cached() {
  [ -s "$CACHE/guest/vmlinuz" ] && [ -s "$CACHE/guest/vmlinuz-watchdog" ] && [ -s "$CACHE/guest/initrd.img" ] \
    && [ -s "$CACHE/guest/template.qcow2" ] && [ "$(cat "$CACHE/guest/version" 2>/dev/null)" = "$GUEST_VERSION" ]
}

# Extracts kernel package $1 into $2/k-$1 (once) and copies modules $4... into the initramfs tree $3 under its
# release.
guest_kernel() {
  local kpkg="$1" work="$2" root="$3" m ko release dir
  shift 3
  if [ ! -d "$work/k-$kpkg" ]; then
    (cd "$work" && apt-get download -qq "$kpkg" >/dev/null 2>&1) || die "apt-get download $kpkg failed"
    dpkg-deb -x "$work/$kpkg"_*.deb "$work/k-$kpkg"
  fi
  release="$(ls "$work/k-$kpkg/lib/modules")"
  dir="$root/lib/modules/$release"
  mkdir -p "$dir"
  for m in "$@"; do
    ko="$(find "$work/k-$kpkg/lib/modules" \( -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" \) | head -n 1)"
    [ -n "$ko" ] || die "module $m not found in $kpkg"
    case "$ko" in
      *.xz) xz -dc "$ko" > "$dir/$m.ko" ;;
      *.zst) zstd -qdc "$ko" > "$dir/$m.ko" ;;
      *) cp "$ko" "$dir/$m.ko" ;;
    esac
  done
}

build_guest() {
  if guest_is_cached; then return 0; fi
  say "building the guest kernels and initramfs (once, cached in $CACHE/guest)"
  local work kpkg wpkg
  work="$(mktemp -d /tmp/paddock-guest.XXXXXX)"
  kpkg="$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-cloud-amd64$' | awk '{print $1}' | sort -V | tail -n 1)"
  [ -n "$kpkg" ] || { apt-get update -qq >/dev/null; kpkg="$(apt-cache search --names-only '^linux-image-[0-9.]+-[0-9]+-cloud-amd64$' | awk '{print $1}' | sort -V | tail -n 1)"; }
  [ -n "$kpkg" ] || die "no linux-image-*-cloud-amd64 package found by apt-cache"
  wpkg="${kpkg%-cloud-amd64}-amd64"
  chmod 755 "$work"
  mkdir -p "$work/initrd/bin" "$work/initrd/lib/modules" "$work/initrd/proc" "$work/initrd/sys" "$work/initrd/dev"
  cp /bin/busybox "$work/initrd/bin/busybox"
  guest_kernel "$kpkg" "$work" "$work/initrd" "${MODULES[@]}"
  guest_kernel "$wpkg" "$work" "$work/initrd" "${MODULES[@]}" "${WATCHDOG_MODULES[@]}"
  cat > "$work/initrd/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin; export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
d=/lib/modules/$(uname -r)
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do insmod $d/$m.ko; done
if [ -f $d/i6300esb.ko ]; then
 insmod $d/watchdog.ko; insmod $d/i6300esb.ko
 hang=; for a in $(cat /proc/cmdline); do case "$a" in paddock.hang=*) hang="${a#paddock.hang=}" ;; esac; done
 if [ -c /dev/watchdog ]; then
  watchdog -F -T 10 -t 2 /dev/watchdog & feeder=$!
  echo "watchdog fed by $feeder"
  # SIGKILL closes the device without the magic close: the timer runs on and fires, as for a hung OS.
  [ -n "$hang" ] && ( sleep "$hang"; echo "paddock.hang: watchdog no longer fed"; kill -9 $feeder ) &
 fi
fi
# A records disk (first sector starting PDKREC01) gets numbered records without pause: "record N" at sector N + 1,
# each fsync'd, then the count written so far at sector 1 (fsync'd too).
(sleep 2; for r in /dev/vd?; do
  [ "$(dd if=$r bs=8 count=1 2>/dev/null)" = PDKREC01 ] || continue
  echo "records on $r"; n=0
  while true; do n=$((n+1))
   echo "record $n" | dd of=$r bs=512 seek=$((n+1)) count=1 conv=sync,fsync 2>/dev/null || break
   echo "records $n" | dd of=$r bs=512 seek=1 count=1 conv=sync,fsync 2>/dev/null || break
  done; echo "records stopped at $n"
done) &
i=0; while true; do i=$((i+1)); echo "heartbeat $i"
 [ -b /dev/vda ] && echo "heartbeat $i" | dd of=/dev/vda bs=512 count=1 conv=sync,fsync 2>/dev/null; sleep 1; done
EOF
  chmod 755 "$work/initrd/init"
  build_template "$work" "$kpkg"
  mkdir -p "$CACHE/guest"
  rm -f "$CACHE/guest/version"
  cp "$(ls "$work/k-$kpkg"/boot/vmlinuz-* | head -n 1)" "$CACHE/guest/vmlinuz.tmp"
  cp "$(ls "$work/k-$wpkg"/boot/vmlinuz-* | head -n 1)" "$CACHE/guest/vmlinuz-watchdog.tmp"
  (cd "$work/initrd" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$CACHE/guest/initrd.img.tmp")
  cp "$work/template.qcow2" "$CACHE/guest/template.qcow2.tmp"
  mv "$CACHE/guest/vmlinuz.tmp" "$CACHE/guest/vmlinuz"
  mv "$CACHE/guest/vmlinuz-watchdog.tmp" "$CACHE/guest/vmlinuz-watchdog"
  mv "$CACHE/guest/initrd.img.tmp" "$CACHE/guest/initrd.img"
  mv "$CACHE/guest/template.qcow2.tmp" "$CACHE/guest/template.qcow2"
  echo "$GUEST_VERSION" > "$CACHE/guest/version"
  rm -rf "$work"
}

# ---- the template guest --------------------------------------------------------------------------------------

# A disk that boots as a cloud image does, in seconds under TCG: SeaBIOS boots syslinux from a FAT file system over
# the disk's first TEMPLATE_FAT_MIB MiB (no partition table), syslinux loads the cloud kernel and the template's
# own initramfs, whose /init applies a cloud-init NoCloud seed (template_init). Its heartbeat goes to sector
# TEMPLATE_BEAT_SECTOR (paddock.beat= in syslinux.cfg), past the file system, so the writes of a clone's overlay
# never touch the boot sector or the files.
TEMPLATE_MODULES=(failover net_failover virtio_net cdrom isofs)
TEMPLATE_DISK_MIB=64
TEMPLATE_FAT_MIB=32
TEMPLATE_BEAT_SECTOR=$((TEMPLATE_FAT_MIB * 2048))

# Builds $1/template.qcow2 from the cloud kernel package $2 (extracted in $1 by guest_kernel).
build_template() {
  local work="$1" kpkg="$2" root="$1/template-initrd" files="$1/template-files" raw="$1/template.raw"
  mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$files"
  cp /bin/busybox "$root/bin/busybox"
  guest_kernel "$kpkg" "$work" "$root" "${MODULES[@]}" "${TEMPLATE_MODULES[@]}"
  template_init > "$root/init"
  template_udhcpc > "$root/etc/udhcpc.script"
  template_yaml > "$root/etc/nocloud.awk"
  chmod 755 "$root/init" "$root/etc/udhcpc.script"
  (cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1 > "$files/initrd.img")
  cp "$(ls "$work/k-$kpkg"/boot/vmlinuz-* | head -n 1)" "$files/vmlinuz"
  printf '%s\n' "DEFAULT template" "PROMPT 0" "TIMEOUT 0" "LABEL template" "  KERNEL vmlinuz" "  INITRD initrd.img" \
    "  APPEND console=ttyS0 quiet paddock.beat=$TEMPLATE_BEAT_SECTOR" > "$files/syslinux.cfg"
  # The file system fills the file; syslinux and mcopy write into it through mtools (no loop device). Then the
  # file grows to the disk's size, leaving the heartbeat's sector and the rest past the file system.
  truncate -s "${TEMPLATE_FAT_MIB}M" "$raw"
  mkfs.vfat -n PADDOCK "$raw" >/dev/null || die "mkfs.vfat on the template failed"
  syslinux --install "$raw" || die "syslinux could not install on the template"
  mcopy -i "$raw" "$files/vmlinuz" "$files/initrd.img" "$files/syslinux.cfg" :: || die "mcopy into the template failed"
  truncate -s "${TEMPLATE_DISK_MIB}M" "$raw"
  qemu-img convert -O qcow2 "$raw" "$work/template.qcow2"
}

# The template's /init. Kernel command line: paddock.beat=SECTOR, where vda gets the heartbeat.
template_init() {
  cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin; export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
d=/lib/modules/$(uname -r)
# virtio_net without checksum offload: a switch on the userspace datapath (the lab's Open vSwitch) passes a packet
# whose checksum the guest left to the host unfinished, and TCP through it fails; the guest completes its own.
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
  failover net_failover virtio_net cdrom isofs; do
  case $m in virtio_net) insmod $d/$m.ko csum=0 gso=0 ;; *) insmod $d/$m.ko ;; esac
done
beat=; for a in $(cat /proc/cmdline); do case "$a" in paddock.beat=*) beat="${a#paddock.beat=}" ;; esac; done
mkdir -p /www/cgi-bin /root/.ssh /home /seed /tmp /run
# A probe a test asks for over HTTP: /cgi-bin/ping?ADDRESS pings from the guest and says whether it was reached.
printf '%s\n' '#!/bin/sh' 'echo "Content-Type: text/plain"; echo' 'a=$(echo "$QUERY_STRING" | tr -cd 0-9.)' \
  'if ping -c 2 -W 2 "$a" > /tmp/ping.$$ 2>&1; then echo "reached $a"; else echo "unreached $a"; fi' \
  'cat /tmp/ping.$$; rm -f /tmp/ping.$$' > /www/cgi-bin/ping
# /cgi-bin/forge?KIND&ADDRESS pings ADDRESS while sending as someone the guest is not: KIND "mac" sends from MAC
# 02:00:00:00:00:99 (its own is put back after), KIND an IPv4 address sends from that address (added to the NIC,
# removed after). It says "reached ADDRESS" or "unreached ADDRESS", then ping's output.
printf '%s\n' '#!/bin/sh' 'echo "Content-Type: text/plain"; echo' 'k=$(echo "${QUERY_STRING%%&*}" | tr -cd a-z0-9.)' \
  'a=$(echo "${QUERY_STRING#*&}" | tr -cd 0-9.)' 'd=$(ls /sys/class/net | grep -v "^lo$" | head -n 1)' \
  'o=$(cat /sys/class/net/$d/address); s=' \
  'case "$k" in mac) ip link set dev $d address 02:00:00:00:00:99 ;; *) ip addr add $k/32 dev $d; s="-I $k" ;; esac' \
  'ip neigh flush dev $d > /dev/null 2>&1' \
  'if ping -c 2 -W 2 $s "$a" > /tmp/forge.$$ 2>&1; then echo "reached $a"; else echo "unreached $a"; fi' \
  'case "$k" in mac) ip link set dev $d address $o ;; *) ip addr del $k/32 dev $d ;; esac' \
  'ip neigh flush dev $d > /dev/null 2>&1; cat /tmp/forge.$$; rm -f /tmp/forge.$$' > /www/cgi-bin/forge
chmod 755 /www/cgi-bin/ping /www/cgi-bin/forge
echo 'root:x:0:0:root:/root:/bin/sh' > /etc/passwd; echo 'root:x:0:' > /etc/group
: > /root/.ssh/authorized_keys; ip link set lo up
# The heartbeat, from the start: console, /www/heartbeat, and the sector paddock.beat names on vda.
(i=0; while true; do i=$((i+1)); echo "heartbeat $i"
  echo "heartbeat $i" > /www/heartbeat.new; mv /www/heartbeat.new /www/heartbeat
  [ -n "$beat" ] && [ -b /dev/vda ] && echo "heartbeat $i" | dd of=/dev/vda bs=512 seek=$beat count=1 conv=sync,fsync 2>/dev/null
  sleep 1; done) &
# The NoCloud seed: the disk whose ISO9660 volume id is "cidata".
seed=
for dev in /dev/vd?; do
  [ "$(dd if=$dev bs=1 skip=32769 count=5 2>/dev/null)" = CD001 ] || continue
  id=$(dd if=$dev bs=1 skip=32808 count=32 2>/dev/null | tr A-Z a-z | sed 's/ *$//')
  [ "$id" = cidata ] && mount -t iso9660 -o ro $dev /seed && { seed=$dev; break; }
done
# /init must never return (the kernel panics): the beat goes on whatever happens below.
if [ -z "$seed" ]; then
  echo "cloud-init: no seed"; while true; do wait; sleep 60; done
fi
# Each file flattened to path=value lines (users.0.ssh_authorized_keys.1=...); get PATH FILE prints one value,
# list PREFIX FILE every value under PREFIX.
for f in meta-data user-data network-config; do
  [ -f /seed/$f ] && awk -f /etc/nocloud.awk /seed/$f > /run/$f || : > /run/$f
done
get() { awk -v k="$1=" 'index($0, k) == 1 { print substr($0, length(k) + 1); exit }' "$2"; }
list() { awk -v k="$1" 'index($0, k) == 1 { sub(/^[^=]*=/, ""); print }' "$2"; }
name=$(get hostname /run/user-data); [ -n "$name" ] || name=$(get local-hostname /run/meta-data)
[ -n "$name" ] && { hostname "$name"; echo "$name" > /etc/hostname; }
get instance-id /run/meta-data > /www/instance-id
i=0; while user=$(get users.$i.name /run/user-data); [ -n "$user" ]; do
  if [ "$user" = root ]; then home=/root; else
    home=/home/$user; echo "$user:x:$((1000 + i)):$((1000 + i)):$user:$home:/bin/sh" >> /etc/passwd
  fi
  mkdir -p $home/.ssh; list users.$i.ssh_authorized_keys. /run/user-data >> $home/.ssh/authorized_keys
  chmod 700 $home/.ssh; chmod 600 $home/.ssh/authorized_keys; i=$((i+1))
done
cp /root/.ssh/authorized_keys /www/authorized_keys
# network-config version 2: the NIC each ethernets entry matches by MAC, renamed, static or DHCP.
address=
for nic in $(sed -n 's/^ethernets\.\([^.=]*\)\..*/\1/p' /run/network-config | uniq); do
  e=ethernets.$nic; mac=$(get $e.match.macaddress /run/network-config | tr A-F a-f); dev=
  for a in /sys/class/net/*/address; do [ "$(cat $a)" = "$mac" ] && dev=${a%/address} && dev=${dev##*/}; done
  [ -z "$mac" ] && [ -e /sys/class/net/$nic ] && dev=$nic
  [ -n "$dev" ] || { echo "cloud-init: no NIC with MAC $mac for $nic"; continue; }
  new=$(get $e.set-name /run/network-config)
  [ -n "$new" ] && [ "$new" != "$dev" ] && ip link set $dev name $new && dev=$new
  ip link set $dev up
  if [ "$(get $e.dhcp4 /run/network-config)" = true ]; then
    udhcpc -i $dev -s /etc/udhcpc.script -t 3 -T 1 -b >/dev/null 2>&1
  else
    for a in $(list $e.addresses. /run/network-config); do ip addr add $a dev $dev; done
    gw=$(get $e.gateway4 /run/network-config); [ -n "$gw" ] && ip route add default via $gw dev $dev
    # A gratuitous ARP, so neighbours that asked for the address while the guest booted learn it at once.
    for a in $(list $e.addresses. /run/network-config); do arping -q -U -c 1 -I $dev ${a%/*} & done
    for s in $(list $e.nameservers.addresses. /run/network-config); do echo "nameserver $s"; done > /etc/resolv.conf
  fi
  [ -n "$address" ] || address=$(ip -4 -o addr show dev $dev | awk '{ sub(/\/.*/, "", $4); print $4; exit }')
done
echo "$name" > /www/hostname
httpd -p 80 -h /www
echo "cloud-init: hostname $name address ${address:-none}"
while true; do wait; sleep 60; done
EOF
}

# udhcpc's script (busybox passes ip, mask as a prefix length, router, dns).
template_udhcpc() {
  cat <<'EOF'
#!/bin/sh
case "$1" in
  deconfig) ip -4 addr flush dev "$interface"; ip link set "$interface" up ;;
  bound|renew)
    ip -4 addr flush dev "$interface"; ip addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip route replace default via "$r" dev "$interface"; break; done
    [ -n "$dns" ] && for s in $dns; do echo "nameserver $s"; done > /etc/resolv.conf ;;
esac
exit 0
EOF
}

# Flattens the block YAML of a NoCloud seed into path=value lines: mapping keys joined by dots, list items numbered
# from 0. Double-quoted values are unquoted (\" and \\ undone), as Paddock writes every value.
template_yaml() {
  cat <<'EOF'
function unquote(v) {
  sub(/[ \t\r]+$/, "", v)
  if (v ~ /^".*"$/) { v = substr(v, 2, length(v) - 2); gsub(/\\"/, "\"", v); gsub(/\\\\/, "\\", v) }
  else if (v ~ /^'.*'$/) { v = substr(v, 2, length(v) - 2); gsub(/''/, "'", v) }
  return v
}
function join(p, k) { return p == "" ? k : p "." k }
# "key: value" or "key:" at column c under path p; 0 when s is no mapping entry.
function entry(s, c, p,    k, v) {
  if (!match(s, /^[A-Za-z0-9_-]+:([ \t]|$)/)) return 0
  k = substr(s, 1, index(s, ":") - 1); v = substr(s, RLENGTH + 1); sub(/^[ \t]+/, "", v)
  if (v == "") { depth++; col[depth] = c; key[depth] = join(p, k) }
  else print join(p, k) "=" unquote(v)
  return 1
}
/^[ \t]*(#|$)/ { next }
{
  match($0, /^ */); c = RLENGTH; s = substr($0, c + 1)
  while (depth && c <= col[depth]) depth--
  if (s ~ /^-([ \t]|$)/) {
    p = depth ? key[depth] : ""; i = count[p]++
    s = substr(s, 2); match(s, /^[ \t]*/); c2 = c + 1 + RLENGTH; s = substr(s, RLENGTH + 1)
    depth++; col[depth] = c; key[depth] = join(p, i)
    if (s != "" && !entry(s, c2, key[depth])) { print key[depth] "=" unquote(s); depth-- }
  } else entry(s, c, depth ? key[depth] : "")
}
EOF
}

lab_is_up() { ip link show "$BRIDGE" >/dev/null 2>&1; }

prepare_host() {
  local n="$1" d="$L/hosts/h$1"
  ip netns add "h$n"
  ip link add "h$n-br" type veth peer name "h$n-eth0"
  ip link set "h$n-br" master "$BRIDGE" up
  ip link set "h$n-eth0" netns "h$n"
  ip -n "h$n" link set "h$n-eth0" name eth0
  ip -n "h$n" addr add "$NET.$n/24" dev eth0
  ip -n "h$n" link set eth0 up
  ip -n "h$n" link set lo up
  # The storage network: the iSCSI portal is reached over eth1, apart from the hosts' own network.
  ip link add "h$n-st" type veth peer name "h$n-eth1"
  ip link set "h$n-st" master "$STORAGE_BRIDGE" up
  ip link set "h$n-eth1" netns "h$n"
  ip -n "h$n" link set "h$n-eth1" name eth1
  ip -n "h$n" addr add "$STORAGE.$n/24" dev eth1
  ip -n "h$n" link set eth1 up
  # The guests' bridge, the same name on every host so a migrated NIC finds it; not joined to eth0. Its port eth2
  # joins labvm0, so guests on every host share one segment with the root namespace.
  ip -n "h$n" link add vmbr0 type bridge
  ip -n "h$n" link set vmbr0 up
  ip link add "h$n-vm" type veth peer name "h$n-eth2"
  ip link set "h$n-vm" master "$GUEST_BRIDGE" up
  ip link set "h$n-eth2" netns "h$n"
  ip -n "h$n" link set "h$n-eth2" name eth2
  ip -n "h$n" link set eth2 master vmbr0 up
  prepare_switch "$n"
  mkdir -p "$d/run"
  # libvirtd resolves its own hostname; with no DNS in the namespace each lookup would wait for a timeout.
  printf '127.0.0.1 localhost\n%s h%s\n' "$NET.$n" "$n" > "$d/hosts"
  : > "$d/resolv.conf"
  cp -a /var/lib/libvirt "$d/lib"
  cp -a /var/log/libvirt "$d/log"
  cp -a /var/cache/libvirt "$d/cache"
  cp -a /etc/libvirt "$d/etc"
  rm -rf "$d/lib/qemu/"* "$d/log/"* 2>/dev/null || true
  cat >> "$d/etc/libvirtd.conf" <<EOF
listen_tls = 1
listen_tcp = 1
listen_addr = "$NET.$n"
auth_tcp = "none"
key_file = "$L/pki/h$n/serverkey.pem"
cert_file = "$L/pki/h$n/servercert.pem"
ca_file = "$L/pki/ca-cert.pem"
host_uuid = "00000000-0000-4000-8000-$(printf '%012d' "$n")"
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
keepalive_interval = 5
keepalive_count = 3
EOF
  cat >> "$d/etc/qemu.conf" <<EOF
stdio_handler = "file"
security_driver = "none"
user = "root"
group = "root"
migration_host = "$NET.$n"
EOF
  if [ -d "$CACHE/capabilities" ]; then
    mkdir -p "$d/cache/qemu/capabilities"
    cp "$CACHE"/capabilities/*.xml "$d/cache/qemu/capabilities/" 2>/dev/null || true
  fi
}

# Host n's Open vSwitch: its database, made once, and the trunk; the daemons run with the host (start_host), their
# sockets and pid files in ovsrun/, emptied at each start as a reboot would. The trunk is a veth whose root end
# joins labtrunk0; frames keep their 802.1Q tags across it.
prepare_switch() {
  local n="$1" d="$L/hosts/h$1"
  mkdir -p "$d/ovs" "$d/ovsrun"
  ovsdb-tool create "$d/ovs/conf.db" /usr/share/openvswitch/vswitch.ovsschema
  ip link add "h$n-tr" type veth peer name "h$n-trunk"
  ip link set "h$n-tr" master "$TRUNK_BRIDGE" up
  ip link set "h$n-trunk" netns "h$n"
  ip -n "h$n" link set "h$n-trunk" name trunk0
  ip -n "h$n" link set trunk0 up
}

# The root end of the hosts' trunks: a plain bridge, VLAN-unaware, so tagged frames pass as they came.
prepare_trunk() {
  ip link add "$TRUNK_BRIDGE" type bridge
  ip link set "$TRUNK_BRIDGE" up
}

# Inside host n's mount namespace (from start_host): the switch's daemons, and sw0 with its trunk port on the
# userspace datapath. The switch listens for OpenFlow as a service (passive) controller, which leaves its fail mode
# alone: it stays a learning switch, with whatever flows a manager adds.
switch_commands() {
  local n="$1" d="$L/hosts/h$1"
  cat <<EOF
rm -rf $d/ovsrun/*; mkdir -p /run/openvswitch; mount --bind $d/ovsrun /run/openvswitch
ovsdb-server $d/ovs/conf.db --remote=punix:/run/openvswitch/db.sock --remote=ptcp:6640:$NET.$n \
  --pidfile=/run/openvswitch/ovsdb-server.pid --detach --log-file=$d/log/ovsdb-server.log
ovs-vsctl --no-wait init
ovs-vswitchd unix:/run/openvswitch/db.sock --pidfile=/run/openvswitch/ovs-vswitchd.pid --detach \
  --log-file=$d/log/ovs-vswitchd.log
ovs-vsctl --may-exist add-br $SWITCH -- set bridge $SWITCH datapath_type=netdev fail_mode=standalone \
  -- --may-exist add-port $SWITCH trunk0 -- set-controller $SWITCH ptcp:6653:$NET.$n
ip link set $SWITCH up
EOF
}

start_host() {
  local n="$1" d="$L/hosts/h$1" hide_kvm=""
  # Nested /dev/kvm often opens but never runs a guest: lab hosts use TCG unless PADDOCK_LAB_KVM=1.
  [ "${PADDOCK_LAB_KVM:-0}" = 1 ] || hide_kvm="sh $L/hosts/dev-without-kvm.sh $d/hostdev"
  ip netns exec "h$n" unshare -m -u sh -ec "mount --make-rprivate /; hostname h$n
    mount --bind $d/run /run/libvirt; mount --bind $d/lib /var/lib/libvirt
    mount --bind $d/log /var/log/libvirt; mount --bind $d/cache /var/cache/libvirt
    mount --bind $d/etc /etc/libvirt
    mount --bind $d/hosts /etc/hosts; mount --bind $d/resolv.conf /etc/resolv.conf
    $hide_kvm
    $(switch_commands "$n")
    virtlogd -d -p /run/libvirt/virtlogd.pid
    virtlockd -d -p /run/libvirt/virtlockd.pid
    libvirtd -d --listen -p /run/libvirt/libvirtd.pid
    mkdir -p /run/sshd; /usr/sbin/sshd -f $L/ssh/h$n/sshd_config"
}

wait_host() {
  local n="$1" i
  for i in $(seq 1 120); do
    if [ "$(virsh -c "qemu+tcp://$NET.$n/system" hostname 2>/dev/null)" = "h$n" ]; then return 0; fi
    sleep 0.5
  done
  die "host h$n did not answer on qemu+tcp://$NET.$n/system within 60 s (log: $L/hosts/h$n/log/libvirtd.log)"
}

keep_capabilities() {
  local src="$L/hosts/h$1/cache/qemu/capabilities"
  [ -d "$CACHE/capabilities" ] && return 0
  virsh -c "qemu+tcp://$NET.$1/system" domcapabilities >/dev/null 2>&1 || true
  if [ ! -d "$CACHE/capabilities" ] && ls "$src"/*.xml >/dev/null 2>&1; then
    mkdir -p "$CACHE/capabilities.tmp"
    cp "$src"/*.xml "$CACHE/capabilities.tmp/"
    mv "$CACHE/capabilities.tmp" "$CACHE/capabilities"
  fi
}

# Run inside a host's private mount namespace: /dev becomes a tmpfs holding every device of the real /dev
# but kvm. libvirt must not see /dev/kvm at all: a /dev/kvm that exists but cannot run guests makes it
# re-probe QEMU (4 s) on every call. The real /dev is only bound, never written.
write_dev_without_kvm() {
  cat > "$L/hosts/dev-without-kvm.sh" <<'EOF'
set -e
[ -e /dev/kvm ] || exit 0
orig="$1"
mkdir -p "$orig"
mount --rbind /dev "$orig"
mount -t tmpfs -o mode=755,size=1m paddock-dev /dev
for e in "$orig"/* "$orig"/.[!.]*; do
  [ -e "$e" ] || [ -L "$e" ] || continue
  name="${e##*/}"
  [ "$name" = kvm ] && continue
  # a bound ptmx cannot find the pts beside it (openpty fails with ENOENT): it gets a node of its own
  if [ "$name" = ptmx ] && [ -c "$e" ]; then mknod -m 666 /dev/ptmx c 5 2; continue; fi
  if [ -L "$e" ]; then cp -a "$e" /dev/
  elif [ -d "$e" ]; then mkdir -p "/dev/$name"; mount --rbind "$e" "/dev/$name"
  else touch "/dev/$name"; mount --bind "$e" "/dev/$name"
  fi
done
EOF
}

cmd_up() {
  local count="${1:-3}" n
  [[ "$count" =~ ^[1-9][0-9]?$ ]] && [ "$count" -le 50 ] || die "usage: lab.sh up [N], N from 1 to 50"
  need_root
  install_safety_routes
  if lab_is_up; then
    die "a lab is already up (bridge $BRIDGE exists, working dir $(cat "$OWNER" 2>/dev/null || echo unknown)); run 'lab.sh down' with that PADDOCK_LAB_DIR first"
  fi
  cmd_install
  for n in $(seq 1 "$count"); do
    [ -e "/run/netns/h$n" ] && die "network namespace h$n exists from an earlier lab; run 'lab.sh down'"
    [ -e "/run/netns/mh$n" ] && die "network namespace mh$n exists from an earlier lab; run 'lab.sh down'"
    ip link show "h$n-br" >/dev/null 2>&1 && die "link h$n-br exists from an earlier lab; run 'lab.sh down'"
  done
  [ -e /run/netns/lst ] && die "network namespace lst exists from an earlier lab; run 'lab.sh down'"
  build_guest
  [ -e "$L/hosts" ] && die "$L holds an earlier lab; run 'lab.sh down' first"
  echo "$L" > "$OWNER"
  trap 'say "up failed; cleaning up"; [ -n "${PADDOCK_LAB_KEEP_FAILED:-}" ] || cmd_down >/dev/null 2>&1 || true' ERR
  mkdir -p "$L/shared/images" "$L/shared/lockspace" /run/libvirt
  # A file system of its own for a datastore whose free space must move only as its volumes do (the machine's own
  # file system moves with whatever else writes to it); mounted before the hosts start, so each sees it.
  mkdir -p "$L/shared/fixed"
  mount -t tmpfs -o size=16g,mode=755 paddock-lab-fixed "$L/shared/fixed"
  chmod 755 "$L" "$L/shared" "$L/shared/images"
  cp "$CACHE/guest/vmlinuz" "$CACHE/guest/vmlinuz-watchdog" "$CACHE/guest/initrd.img" "$L/shared/"
  ip link add "$BRIDGE" type bridge
  ip addr add "$NET.254/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  prepare_pki "$count"
  prepare_ssh "$count"
  prepare_storage
  prepare_guest_network
  prepare_trunk
  for n in $(seq 1 "$count"); do prepare_host "$n"; configure_leases "$n"; done
  write_dev_without_kvm
  prepare_management
  for n in $(seq 1 "$count"); do prepare_bmc "$n"; start_bmc "$n"; done
  # Hosts are powered on by their BMCs, through the same code path as `lab.sh power N on` and fence_ipmilan.
  for n in $(seq 1 "$count"); do ipmi "$n" chassis power on >/dev/null; done
  for n in $(seq 1 "$count"); do wait_host "$n"; done
  # QEMU capabilities probed by h1 spare later labs the probe (13 s for 3 fresh hosts on 2 cores).
  keep_capabilities 1
  trap - ERR
  echo "$count" > "$L/hosts/count"
  for n in $(seq 1 "$count"); do echo "h$n qemu+tcp://$NET.$n/system bmc $MGMT.$n"; done
  echo "iscsi $ISCSI_PORTAL $ISCSI_TARGET"
  echo "nfs $NFS_SERVER $NFS_EXPORT"
  echo "tls $L/pki/client $L/pki/rogue"
  echo "ssh $L/ssh/id_lab $L/ssh/known_hosts"
  say "shared directory (consoles, images, kernel): $L/shared"
  if [ -n "${PADDOCK_URL:-}" ]; then cmd_register "$PADDOCK_URL"; fi
}
# ---- TLS: the lab's certificate authority ----------------------------------------------------------------------

# certtool $1 (a template's lines in the rest): a key in $2/$3key.pem and its certificate in $2/$3cert.pem, signed
# by the CA in $4 (or self-signed when $4 is empty).
lab_cert() {
  local dir="$1" name="$2" ca="$3" template
  shift 3
  mkdir -p "$dir"
  template="$(mktemp)"
  printf '%s\n' "$@" "expiration_days = 30" > "$template"
  certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$dir/${name}key.pem" >/dev/null 2>&1
  if [ -z "$ca" ]; then
    certtool --generate-self-signed --load-privkey "$dir/${name}key.pem" --template "$template" \
      --outfile "$dir/${name}cert.pem" >/dev/null 2>&1
  else
    certtool --generate-certificate --load-privkey "$dir/${name}key.pem" --load-ca-certificate "$ca/ca-cert.pem" \
      --load-ca-privkey "$ca/ca-key.pem" --template "$template" --outfile "$dir/${name}cert.pem" >/dev/null 2>&1
  fi
  rm -f "$template"
  chmod 600 "$dir/${name}key.pem"
}

# The lab's CA, a server certificate per host (its address and name), a client certificate of the CA in client/
# and one of another CA in rogue/.
prepare_pki() {
  local count="$1" n p="$L/pki"
  mkdir -p "$p"
  chmod 700 "$p"
  lab_cert "$p" ca- "" "cn = Paddock lab CA" ca cert_signing_key
  for n in $(seq 1 "$count"); do
    lab_cert "$p/h$n" server "$p" "cn = h$n" "dns_name = h$n" "ip_address = $NET.$n" tls_www_server \
      encryption_key signing_key
  done
  lab_cert "$p/client" client "$p" "cn = paddock" "organization = Paddock lab" tls_www_client encryption_key \
    signing_key
  lab_cert "$p/other-ca" ca- "" "cn = Another CA" ca cert_signing_key
  lab_cert "$p/rogue" client "$p/other-ca" "cn = paddock" "organization = Paddock lab" tls_www_client \
    encryption_key signing_key
  cp "$p/ca-cert.pem" "$p/client/cacert.pem"
  # rogue/ trusts both CAs, so libvirt's client accepts its own certificate and it is the host that refuses it.
  cat "$p/ca-cert.pem" "$p/other-ca/ca-cert.pem" > "$p/rogue/cacert.pem"
}

# ---- SSH: each host's sshd, for libvirt's ssh transports ---------------------------------------------------------

# The lab's client key, each host's host key and sshd_config (its address only, root by key only, no PAM), the
# known_hosts that names every host's key, and a key that no host accepts.
prepare_ssh() {
  local count="$1" n s="$L/ssh"
  mkdir -p "$s"
  chmod 700 "$s"
  ssh-keygen -q -t ed25519 -N '' -C paddock-lab -f "$s/id_lab"
  ssh-keygen -q -t ed25519 -N '' -C other -f "$s/id_other"
  cp "$s/id_lab.pub" "$s/authorized_keys"
  : > "$s/known_hosts"
  for n in $(seq 1 "$count"); do
    mkdir -p "$s/h$n"
    ssh-keygen -q -t ed25519 -N '' -C "h$n" -f "$s/h$n/ssh_host_ed25519_key"
    echo "$NET.$n $(cut -d' ' -f1,2 "$s/h$n/ssh_host_ed25519_key.pub")" >> "$s/known_hosts"
    cat > "$s/h$n/sshd_config" <<EOF
ListenAddress $NET.$n:22
HostKey $s/h$n/ssh_host_ed25519_key
AuthorizedKeysFile $s/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile /run/libvirt/sshd.pid
EOF
  done
}

# ---- the guests' network ---------------------------------------------------------------------------------------

# labvm0: the segment every host's vmbr0 joins, with an address for the root namespace to reach guests at.
prepare_guest_network() {
  ip link add "$GUEST_BRIDGE" type bridge
  ip addr add "$GUEST_NET.254/24" dev "$GUEST_BRIDGE"
  ip link set "$GUEST_BRIDGE" up
  guest_forwarding_guard add
}

# Guests reach each other and the root namespace, nothing else. FORWARD rules drop whatever would be routed into or
# out of labvm0, so guests are not routed anywhere even if the machine forwards packets (ip_forward on now, or
# turned on later while the lab is up). Traffic bridged within labvm0 is not routed and passes, even where bridged
# frames go through iptables (br_netfilter). Without iptables the lab only starts when forwarding is off.
# `guest_forwarding_guard del` removes every copy of the rules, whether or not they were added.
guest_forwarding_guard() {
  local action="$1" tool proc
  for tool in iptables ip6tables; do
    if [ "$tool" = iptables ]; then proc=/proc/sys/net/ipv4/ip_forward; else proc=/proc/sys/net/ipv6/conf/all/forwarding; fi
    if [ "$action" = add ]; then
      if ! command -v "$tool" >/dev/null; then
        [ "$(cat "$proc" 2>/dev/null || echo 0)" = 0 ] || die "this machine forwards packets and $tool is missing: run 'lab.sh install'"
        continue
      fi
      "$tool" -I FORWARD -i "$GUEST_BRIDGE" ! -o "$GUEST_BRIDGE" -j DROP
      "$tool" -I FORWARD -o "$GUEST_BRIDGE" ! -i "$GUEST_BRIDGE" -j DROP
    else
      command -v "$tool" >/dev/null || continue
      while "$tool" -D FORWARD -i "$GUEST_BRIDGE" ! -o "$GUEST_BRIDGE" -j DROP 2>/dev/null; do :; done
      while "$tool" -D FORWARD -o "$GUEST_BRIDGE" ! -i "$GUEST_BRIDGE" -j DROP 2>/dev/null; do :; done
    fi
  done
}

remove_guest_network() {
  ip link del "$GUEST_BRIDGE" 2>/dev/null || true
  guest_forwarding_guard del
}

# ---- the storage network and its iSCSI target ----------------------------------------------------------------

# labstor0 and namespace lst, where tgtd serves one target with one LUN (a sparse file) to every initiator.
prepare_storage() {
  ip link add "$STORAGE_BRIDGE" type bridge
  ip addr add "$STORAGE.254/24" dev "$STORAGE_BRIDGE"
  ip link set "$STORAGE_BRIDGE" up
  ip netns add lst
  ip link add lst-br type veth peer name lst-eth0
  ip link set lst-br master "$STORAGE_BRIDGE" up
  ip link set lst-eth0 netns lst
  ip -n lst link set lst-eth0 name eth0
  ip -n lst addr add "$ISCSI_PORTAL/24" dev eth0
  ip -n lst link set eth0 up
  ip -n lst link set lo up
  mkdir -p "$L/storage"
  truncate -s 256M "$L/storage/lun1.img"
  ip netns exec lst tgtd -C "$TGT_CONTROL" --iscsi portal="$ISCSI_PORTAL:3260"
  local i
  for i in $(seq 1 50); do tgt system >/dev/null 2>&1 && break; sleep 0.1; done
  tgt system >/dev/null || die "tgtd did not answer on control $TGT_CONTROL"
  tgt --lld iscsi --op new --mode target --tid 1 -T "$ISCSI_TARGET"
  tgt --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$L/storage/lun1.img"
  tgt --lld iscsi --op bind --mode target --tid 1 -I ALL
  start_nfs
}

# nfs-ganesha in lst: NFSv3 (QEMU's and libnfs's clients write over v3; v4 is served for listing only), no lock
# manager, no quota service, no v4 grace period. rpcbind and ganesha share a private mount namespace whose /run is
# a tmpfs of their own, so neither touches the machine's rpcbind socket or state.
start_nfs() {
  local d="$L/nfs" i
  mkdir -p "$d/export" "$d/recovery"
  chmod 755 "$d" "$d/export"
  cat > "$d/ganesha.conf" <<EOF
NFS_CORE_PARAM { Protocols = 3, 4; Bind_addr = $NFS_SERVER; Enable_NLM = false; Enable_RQUOTA = false;
  Mount_Path_Pseudo = true; }
NFSV4 { Graceless = true; RecoveryRoot = $d/recovery; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT { Export_Id = 1; Path = $d/export; Pseudo = $NFS_EXPORT; Protocols = 3, 4; Transports = TCP;
  Access_Type = RW; Squash = No_Root_Squash; SecType = sys; FSAL { Name = VFS; } }
EOF
  ip netns exec lst unshare -m sh -ec "mount --make-rprivate /; mount -t tmpfs -o mode=755,size=4m lab-nfs-run /run
    mkdir -p /run/rpcbind; rpcbind -f -w </dev/null >/dev/null 2>&1 & echo \$! > $d/rpcbind.pid
    for i in \$(seq 1 50); do [ -S /run/rpcbind.sock ] && break; sleep 0.05; done
    ganesha.nfsd -f $d/ganesha.conf -L $d/ganesha.log -p $d/ganesha.pid -N NIV_EVENT"
  for i in $(seq 1 50); do
    nfs-ls "nfs://$NFS_SERVER$NFS_EXPORT/?version=3" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "nfs-ganesha did not serve nfs://$NFS_SERVER$NFS_EXPORT within 5 s (log: $d/ganesha.log)"
}

stop_nfs() {
  kill_pidfile "$L/nfs/ganesha.pid" "$L/nfs/rpcbind.pid"
}

# tgtadm on the lab's tgtd; `tgt system` shows it.
tgt() {
  if [ "${1:-}" = system ]; then
    ip netns exec lst tgtadm -C "$TGT_CONTROL" --op show --mode system
  else
    ip netns exec lst tgtadm -C "$TGT_CONTROL" "$@"
  fi
}

# tgtd ignores SIGTERM while initiators are logged in: it is told to stop, then whatever is left is killed.
stop_storage() {
  [ -e /run/netns/lst ] || return 0
  stop_nfs
  ip netns exec lst tgtadm -C "$TGT_CONTROL" --op delete --mode system --force >/dev/null 2>&1 || true
  local pid
  for pid in $(ip netns pids lst 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
  wait_gone lst
  ip netns del lst 2>/dev/null || true
  ip link del "$STORAGE_BRIDGE" 2>/dev/null || true
}

cmd_template() {
  guest_is_cached || { need_root; cmd_install; build_guest; }
  echo "$CACHE/guest/template.qcow2"
}

cmd_storage() {
  lab_is_up || die "no lab is up"
  echo "iscsi $ISCSI_PORTAL $ISCSI_TARGET"
  echo "nfs $NFS_SERVER $NFS_EXPORT"
}

# ---- disk leases and BMCs ------------------------------------------------------------------------------------

# libvirt's lockd lock manager: virtlockd holds a lease on every disk a guest runs from, in a lockspace on the
# shared directory, so that the lease of a disk is one file whichever host runs it.
configure_leases() {
  local d="$L/hosts/h$1"
  printf 'lock_manager = "lockd"\n' >> "$d/etc/qemu.conf"
  printf 'auto_disk_leases = 1\nrequire_lease_for_disks = 1\nfile_lockspace_dir = "%s"\n' "$L/shared/lockspace" \
    >> "$d/etc/qemu-lockd.conf"
}

# The management network: labmgmt0 in the root namespace, a namespace mhN per host holding its BMC's address,
# apart from the host's own network so that cutting hN's network leaves its BMC reachable, as in a rack.
prepare_management() {
  ip link add "$MGMT_BRIDGE" type bridge
  ip addr add "$MGMT.254/24" dev "$MGMT_BRIDGE"
  ip link set "$MGMT_BRIDGE" up
}

prepare_bmc() {
  local n="$1"
  ip netns add "mh$n"
  ip link add "mh$n-br" type veth peer name "mh$n-eth0"
  ip link set "mh$n-br" master "$MGMT_BRIDGE" up
  ip link set "mh$n-eth0" netns "mh$n"
  ip -n "mh$n" link set "mh$n-eth0" name eth0
  ip -n "mh$n" addr add "$MGMT.$n/24" dev eth0
  ip -n "mh$n" link set eth0 up
  ip -n "mh$n" link set lo up
}

# Starts hN's BMC in mhN; its power-on command is this script's own host start (`lab.sh host-on N`).
start_bmc() {
  local n="$1" d="$L/hosts/h$1" i
  ip netns exec "mh$n" /usr/bin/python3 "$HERE/labbmc.py" "$MGMT.$n" "h$n" "$d/run" -- \
    env PADDOCK_LAB_DIR="$L" PADDOCK_LAB_CACHE="$CACHE" PADDOCK_LAB_KVM="${PADDOCK_LAB_KVM:-0}" \
    "$HERE/lab.sh" host-on "$n" </dev/null >"$L/hosts/bmc-h$n.log" 2>&1 &
  echo $! > "$L/hosts/bmc-h$n.pid"
  for i in $(seq 1 100); do
    ipmi "$n" chassis power status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "the BMC of h$n did not answer on $MGMT.$n within 10 s (log: $L/hosts/bmc-h$n.log)"
}

ipmi() {
  local n="$1"; shift
  ipmitool -I lanplus -H "$MGMT.$n" -U "$BMC_USER" -P "$BMC_PASSWORD" -R 2 -N 2 "$@"
}

# What the BMC runs to power a host on: its daemons, in its namespace (also how `up` brings hosts up).
cmd_host_on() {
  local n="${1:-}"
  [[ "$n" =~ ^[0-9]+$ ]] && [ -d "$L/hosts/h$n" ] || die "no host h$n in $L"
  mkdir -p /run/libvirt "$L/hosts/h$n/run"
  start_host "$n"
}

cmd_power() {
  local n="${1:-}" action="${2:-}" out
  [[ "$n" =~ ^[1-9][0-9]?$ ]] && [[ "$action" =~ ^(on|off|status)$ ]] || die "usage: lab.sh power N on|off|status"
  lab_is_up || die "no lab is up; run 'lab.sh up' first"
  [ -e "/run/netns/mh$n" ] || die "host h$n has no BMC in this lab"
  out="$(ipmi "$n" chassis power "$action" 2>&1)" || die "BMC $MGMT.$n: $out"
  echo "h$n: $out"
}

stop_bmcs() {
  local f
  for f in "$L"/hosts/bmc-h*.pid; do kill_pidfile "$f"; done
}

remove_management() {
  local n
  for n in $(ip netns list | awk '{print $1}' | grep -E '^mh[0-9]+$' || true); do
    for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$n" 2>/dev/null || true
  done
  ip link del "$MGMT_BRIDGE" 2>/dev/null || true
}


# ---- the WAN: a host across a rate-limited, delayed link that can be cut -------------------------------------

# This kernel has no netem: TBF limits the rate (on the host's eth0 and on its root-side veth end, one per
# direction) and labwan (lab/labwan.c, built into the cache) delays. Delay is added where packets are received,
# never where they are sent (held on the sending side, TCP's small-queue limit collapses throughput): inside the
# host for everything arriving on its eth0 (mangle PREROUTING), and in the root namespace and every other host for
# what comes from the host's address (mangle INPUT). A queue's verdict lets a packet on to the next hook, not the
# next rule, so two hooks make the delays of two WAN hosts add up between them, as two links would. INPUT also
# leaves out what labbr0 only bridges between hosts through the root namespace's iptables (br_netfilter). Rules
# are tagged paddock-lab-wan-hN and queue to 1000+N, a queue number of each namespace's own.
WAN_TAG=paddock-lab-wan
WAN_BURST=64kb
WAN_LATENCY=50ms

# Builds labwan into the cache when it is missing or its source changed, and prints its path.
wan_program() {
  local dir="$CACHE/wan" sum
  sum="$(sha256sum "$HERE/labwan.c" | cut -d' ' -f1)"
  if [ ! -x "$dir/labwan" ] || [ "$(cat "$dir/labwan.sha256" 2>/dev/null)" != "$sum" ]; then
    dpkg -s gcc libc6-dev libnetfilter-queue-dev >/dev/null 2>&1 || cmd_install
    mkdir -p "$dir"
    gcc -O2 -Wall -o "$dir/labwan.tmp" "$HERE/labwan.c" -lnetfilter_queue -lnfnetlink \
      || die "cannot build $HERE/labwan.c (packages gcc, libnetfilter-queue-dev: run 'lab.sh install')"
    mv "$dir/labwan.tmp" "$dir/labwan"
    echo "$sum" > "$dir/labwan.sha256"
  fi
  echo "$dir/labwan"
}

# Checks that $1 names a host of the lab that is up (hN).
wan_host() {
  [[ "${1:-}" =~ ^h[1-9][0-9]?$ ]] || die "no host '${1:-}': hosts are h1, h2, ..."
  lab_is_up || die "no lab is up; run 'lab.sh up' first"
  [ -e "/run/netns/$1" ] && [ -d "$L/hosts/$1" ] || die "no host $1 in the lab of $L"
}

# Runs a command in namespace $1 ("root" is the root namespace).
in_namespace() {
  local ns="$1"; shift
  if [ "$ns" = root ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# The namespaces that receive host $1's packets, each with the mangle chain and the match that pick them out.
wan_receivers() {
  local host="$1" address="$NET.${1#h}" ns
  echo "$host PREROUTING -i eth0"
  echo "root INPUT -i $BRIDGE -s $address"
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^h[0-9]+$' | sort -V); do
    [ "$ns" = "$host" ] || echo "$ns INPUT -i eth0 -s $address"
  done
}

cmd_wan() {
  local host="${1:-}" rate="${2:-}" delay="${3:-}" program queue ns chain match i
  [ $# -eq 3 ] || die "usage: lab.sh wan HOST RATE DELAY_MS (e.g. wan h3 100mbit 20)"
  wan_host "$host"
  [[ "$rate" =~ ^[1-9][0-9]*(bit|kbit|mbit|gbit)$ ]] || die "rate '$rate' is not a tc rate such as 100mbit"
  [[ "$delay" =~ ^[0-9]+$ ]] && [ "$delay" -le 10000 ] || die "delay '$delay' is not a whole number of ms up to 10000"
  program="$(wan_program)"
  wan_off "$host"
  queue=$((1000 + ${host#h}))
  mkdir -p "$L/wan/$host"
  echo "$rate $delay" > "$L/wan/$host/settings"
  trap 'say "wan $host failed; removing it"; wan_off "$host"' ERR
  tc -n "$host" qdisc replace dev eth0 root handle 1: tbf rate "$rate" burst "$WAN_BURST" latency "$WAN_LATENCY"
  tc qdisc replace dev "$host-br" root handle 1: tbf rate "$rate" burst "$WAN_BURST" latency "$WAN_LATENCY"
  if [ "$delay" -gt 0 ]; then
    while read -r ns chain match; do
      # started directly (ip netns exec execs it), so that $! is labwan's own pid
      if [ "$ns" = root ]; then
        "$program" "$queue" "$delay" </dev/null >"$L/wan/$host/$ns.ready" 2>"$L/wan/$host/$ns.log" &
      else
        ip netns exec "$ns" "$program" "$queue" "$delay" </dev/null >"$L/wan/$host/$ns.ready" 2>"$L/wan/$host/$ns.log" &
      fi
      echo $! > "$L/wan/$host/$ns.pid"
    done < <(wan_receivers "$host")
    # A rule sends packets to its queue only once labwan holds it (until then --queue-bypass lets them through).
    while read -r ns chain match; do
      for i in $(seq 1 50); do grep -q ready "$L/wan/$host/$ns.ready" && break; sleep 0.1; done
      if ! grep -q ready "$L/wan/$host/$ns.ready"; then
        say "labwan in $ns did not start: $(cat "$L/wan/$host/$ns.log")"
        wan_off "$host"
        exit 1
      fi
      # shellcheck disable=SC2086 # the match is words
      in_namespace "$ns" iptables -t mangle -A "$chain" $match -m comment --comment "$WAN_TAG-$host" \
        -j NFQUEUE --queue-num "$queue" --queue-bypass
    done < <(wan_receivers "$host")
  fi
  trap - ERR
  echo "$host wan $rate ${delay}ms"
}

# Removes host $1's WAN: rules first (nothing new is queued), then labwan (it lets go of what it holds), then the
# rate limits. Safe when the host has none.
wan_off() {
  local host="$1" ns rule f pid i words
  for ns in root $(ip netns list | awk '{print $1}' | grep -E '^h[0-9]+$' || true); do
    [ "$ns" = root ] || [ -e "/run/netns/$ns" ] || continue
    while read -r rule; do
      [ -n "$rule" ] || continue
      read -ra words <<<"${rule#-A }"
      in_namespace "$ns" iptables -t mangle -D "${words[@]}" 2>/dev/null || true
    done < <(in_namespace "$ns" iptables -t mangle -S 2>/dev/null | grep -F -- "--comment $WAN_TAG-$host " || true)
  done
  local pids=()
  for f in "$L/wan/$host"/*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = labwan ] || continue
    kill -TERM "$pid" 2>/dev/null || true
    pids+=("$pid")
  done
  for pid in "${pids[@]}"; do
    for i in $(seq 1 20); do running "$pid" || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -e "/run/netns/$host" ] && tc -n "$host" qdisc del dev eth0 root 2>/dev/null || true
  tc qdisc del dev "$host-br" root 2>/dev/null || true
  rm -rf "$L/wan/$host"
}

# Whether process $1 still runs: an exited one stays a zombie until its reaper (pid 1) collects it, which some
# machines' init does only after a second or so.
running() {
  local state
  state="$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)"
  [ -n "$state" ] && [ "$state" != Z ]
}

# Every WAN of this lab.
wan_off_all() {
  local d
  for d in "$L"/wan/h*; do [ -d "$d" ] && wan_off "${d##*/}"; done
  rm -rf "$L/wan"
}

# What a WAN whose working directory was lost leaves in the root namespace: its rules, and labwans running the
# cache's program (those in hosts go with their namespaces).
remove_wan_leftovers() {
  local rule words process
  while read -r rule; do
    [ -n "$rule" ] || continue
    read -ra words <<<"${rule#-A }"
    iptables -t mangle -D "${words[@]}" 2>/dev/null || true
  done < <(iptables -t mangle -S 2>/dev/null | grep -F -- "--comment $WAN_TAG-" || true)
  for process in /proc/[0-9]*; do
    case "$(readlink "$process/exe" 2>/dev/null)" in
      "$CACHE/wan/labwan"|"$CACHE/wan/labwan (deleted)") kill -TERM "${process#/proc/}" 2>/dev/null || true ;;
    esac
  done
}

cmd_wan_off() {
  [ $# -eq 1 ] || die "usage: lab.sh wan-off HOST"
  wan_host "$1"
  wan_off "$1"
  echo "$1 wan off"
}

# A cut is made inside the host's namespace: the root-side end stays up, so nothing is sent out the default route.
cmd_wan_link() {
  local host="${1:-}" state="$2"
  wan_host "$host"
  ip -n "$host" link set eth0 "$state"
  if [ "$state" = down ]; then echo "$host cut"; else echo "$host restored"; fi
}

kill_pidfile() {
  local f pid
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid="$(cat "$f" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null || true
  done
}

# Waits (up to 5 s) until no process is left in namespace $1: a killed QEMU keeps its namespace alive.
wait_gone() {
  local i
  for i in $(seq 1 50); do
    [ -z "$(ip netns pids "$1" 2>/dev/null)" ] && return 0
    sleep 0.1
  done
}

cmd_down() {
  need_root
  local d n owner
  owner="$(cat "$OWNER" 2>/dev/null || true)"
  wan_off_all
  if [ -d "$L/hosts" ]; then
    stop_bmcs
    for d in "$L"/hosts/h*; do
      [ -d "$d" ] || continue
      kill_pidfile "$d"/run/qemu/*.pid "$d"/run/libvirtd.pid "$d"/run/virtlockd.pid "$d"/run/virtlogd.pid \
        "$d"/run/sshd.pid
    done
  fi
  # Namespaces and the bridge belong to whichever lab holds the addresses: only that lab removes them.
  if [ -z "$owner" ] || [ "$owner" = "$L" ]; then
    for n in $(ip netns list | awk '{print $1}' | grep -E '^h[0-9]+$' || true); do
      # Anything still running inside the namespace (a QEMU whose pid file was not written yet) goes too.
      for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      wait_gone "$n"
      ip -n "$n" link del eth0 2>/dev/null || true
      ip netns del "$n" 2>/dev/null || true
    done
    for n in $(ip netns list | awk '{print $1}' | grep -E '^lp-[a-z0-9]+$' || true); do
      for pid in $(ip netns pids "$n" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$n" 2>/dev/null || true
    done
    ip link del "$BRIDGE" 2>/dev/null || true
    remove_wan_leftovers
    remove_guest_network
    ip link del "$TRUNK_BRIDGE" 2>/dev/null || true
    stop_storage
    remove_management
    # The kernel frees a deleted namespace's veth pairs lazily, at times many seconds later; the next `up` must not
    # find them: after a short wait, what is left is deleted from this side, which takes the pair.
    local links link
    for i in $(seq 1 300); do
      links="$(ip -o link show)"
      [[ "$links" =~ \ (h[0-9]+-(br|st|vm|tr)|mh[0-9]+-br|lst-br)[@:] ]] || break
      if [ "$i" -eq 50 ]; then
        for link in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^(h[0-9]+-(br|st|vm|tr)|mh[0-9]+-br|lst-br)$'); do
          ip link del "$link" 2>/dev/null || true
        done
      fi
      sleep 0.1
    done
    rm -f "$OWNER"
  fi
  if mountpoint -q "$L/shared/fixed" 2>/dev/null; then umount "$L/shared/fixed" || umount -l "$L/shared/fixed"; fi
  rm -rf "$L"
  rmdir /run/libvirt 2>/dev/null || true
  say "down ($L removed)"
}

# Registers the lab's hosts in a running Paddock (site "lab", cluster "lab", hosts h1..hN) through its REST API.
cmd_register() {
  local url="${1:-${PADDOCK_URL:-http://127.0.0.1:8080}}" site cluster n count
  url="${url%/}"
  case "$url" in
    http://127.0.0.1:*|http://localhost:*|http://\[::1\]:*) ;;
    *) die "register talks to a Paddock on this machine only (http://127.0.0.1:PORT), not $url" ;;
  esac
  lab_is_up || die "no lab is up; run 'lab.sh up' first"
  count="$(cat "$L/hosts/count" 2>/dev/null)" || die "no lab in $L (PADDOCK_LAB_DIR)"
  site="$(post "$url/api/v1/sites" '{"name":"lab","description":"lab hosts in network namespaces"}')"
  cluster="$(post "$url/api/v1/clusters" "{\"siteId\":\"$site\",\"name\":\"lab\"}")"
  for n in $(seq 1 "$count"); do
    post "$url/api/v1/hosts" "{\"clusterId\":\"$cluster\",\"name\":\"h$n\",\"uri\":\"qemu+tcp://$NET.$n/system\"}" >/dev/null
    echo "registered h$n in $url"
  done
}

# POSTs JSON and prints the created resource's id; fails with the server's problem detail otherwise.
post() {
  local body status
  local trust=()
  [ -z "${PADDOCK_CACERT:-}" ] || trust=(--cacert "$PADDOCK_CACERT")
  body="$(curl -sS "${trust[@]}" -w '\n%{http_code}' -H 'Content-Type: application/json' -d "$2" "$1")" \
    || die "cannot reach $1"
  status="${body##*$'\n'}"; body="${body%$'\n'*}"
  [ "$status" = 201 ] || die "POST $1 answered $status: $body"
  local id
  id="$(sed -n 's/^{ *"id" *: *"\([^"]*\)".*/\1/p' <<<"$body")"
  [ -n "$id" ] || die "POST $1 answered without an id: $body"
  echo "$id"
}

cmd_status() {
  if lab_is_up; then
    local owner; owner="$(cat "$OWNER" 2>/dev/null || echo unknown)"
    echo "up (working dir $owner)"
    local n
    for n in $(ip netns list | awk '{print $1}' | grep -E '^h[0-9]+$' | sort -V); do
      if virsh -c "qemu+tcp://$NET.${n#h}/system" hostname >/dev/null 2>&1; then state=reachable; else state=unreachable; fi
      bmc="$(ipmi "${n#h}" chassis power status 2>/dev/null || echo "BMC unreachable")"
      link=""
      [ ! -f "$L/wan/$n/settings" ] || link="$(read -r r d < "$L/wan/$n/settings"; echo ", wan $r ${d}ms")"
      [[ "$(ip -n "$n" -o link show eth0 2>/dev/null)" =~ [\<,]UP[,\>] ]] || link="$link, cut"
      echo "$n qemu+tcp://$NET.${n#h}/system $state, bmc $MGMT.${n#h}: ${bmc,,}$link"
    done
  else
    echo "down"
    return 3
  fi
}

# A machine plugged into host $1's switch: namespace lp-$2, its eth0 at $4 the peer of switch port lp-$2 in VLAN $3.
cmd_port() {
  local host="${1:-}" name="${2:-}" vlan="${3:-}" address="${4:-}" n d tag=()
  [[ "$host" =~ ^h([0-9]+)$ ]] && [ -e "/run/netns/$host" ] || die "usage: lab.sh port HOST NAME VLAN ADDRESS/PREFIX (no host '$host')"
  n="${host#h}"; d="$L/hosts/$host"
  [[ "$name" =~ ^[a-z0-9]{1,8}$ ]] || die "a port's name is 1 to 8 lower-case letters and digits, not '$name'"
  [[ "$vlan" =~ ^[0-9]+$ ]] && [ "$vlan" -le 4094 ] || die "a VLAN is 0 (untagged) to 4094, not '$vlan'"
  [[ "$address" =~ ^10\.79\.[0-9]+\.[0-9]+/[0-9]+$ ]] || die "a port's address is in 10.79.0.0/16 (the lab's), not '$address'"
  [ -e "/run/netns/lp-$name" ] && die "port $name exists"
  [ "$vlan" -gt 0 ] && tag=(tag="$vlan")
  ip netns add "lp-$name"
  ip link add "lp-$name" type veth peer name "lp-$name-in"
  ip link set "lp-$name" netns "$host"
  ip link set "lp-$name-in" netns "lp-$name"
  ip -n "lp-$name" link set "lp-$name-in" name eth0
  ip -n "lp-$name" addr add "$address" dev eth0
  ip -n "lp-$name" link set eth0 up
  ip -n "lp-$name" link set lo up
  # the userspace datapath does not fill in checksums a veth left to offload: TCP from here needs them done here
  ip netns exec "lp-$name" ethtool -K eth0 tx off >/dev/null 2>&1 || true
  ip -n "$host" link set "lp-$name" up
  ip netns exec "$host" env OVS_RUNDIR="$d/ovsrun" ovs-vsctl add-port "$SWITCH" "lp-$name" "${tag[@]}"
  say "port $name on $host's $SWITCH, VLAN $vlan, address $address: ip netns exec lp-$name ..."
}

cmd_port_del() {
  local name="${1:-}" host
  [ -e "/run/netns/lp-$name" ] || return 0
  for host in $(ip netns list | awk '{print $1}' | grep -E '^h[0-9]+$' || true); do
    ip netns exec "$host" env OVS_RUNDIR="$L/hosts/$host/ovsrun" ovs-vsctl --if-exists del-port "$SWITCH" "lp-$name" \
      2>/dev/null || true
  done
  ip netns del "lp-$name"
}

case "${1:-}" in
  install) cmd_install ;;
  up) shift; cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  register) shift; cmd_register "$@" ;;
  power) shift; need_root; cmd_power "$@" ;;
  host-on) shift; need_root; cmd_host_on "$@" ;;
  storage) cmd_storage ;;
  template) cmd_template ;;
  wan) shift; need_root; cmd_wan "$@" ;;
  wan-off) shift; need_root; cmd_wan_off "$@" ;;
  wan-cut) shift; need_root; cmd_wan_link "${1:-}" down ;;
  wan-restore) shift; need_root; cmd_wan_link "${1:-}" up ;;
  port) shift; need_root; cmd_port "$@" ;;
  port-del) shift; need_root; cmd_port_del "${1:-}" ;;
  *) echo "usage: lab.sh install | up [N] | down | status | register [PADDOCK_URL] | power N on|off|status | storage | template | wan HOST RATE DELAY_MS | wan-off HOST | wan-cut HOST | wan-restore HOST | port HOST NAME VLAN ADDRESS/PREFIX | port-del NAME" >&2; exit 2 ;;
esac
