#!/bin/bash
# Runs the identical benchmark against Postline, the front-end ceiling harness, Postfix + Dovecot, and with
# --james Apache James 3.8.1 (memory app), all on 127.0.0.1 high ports, and prints the ratios.
#
#   bench/compare.sh [--james] [--jfr] [--out DIR] [--skip-install] [-- BENCH_RUN_OPTIONS...]
#   --jfr records a Java Flight Recording of Postline under the load (OUT/postline.jfr; costs a few percent)
#   e.g. bench/compare.sh -- --messages 2000 --imap-messages 2000 --latency-samples 100
#
# Needs root (apt-get, the Postfix and Dovecot daemons). Installs postfix, dovecot-imapd and dovecot-pop3d
# from the operating system's packages and OVERWRITES /etc/postfix/main.cf and master.cf (a benchmark
# machine only; the originals are kept as *.before-bench). Everything else lives under --out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=/var/tmp/postline-compare
JAMES=no
JFR=no
INSTALL=yes
while [ $# -gt 0 ]; do
  case $1 in
    --james) JAMES=yes ;;
    --out) OUT=$2; shift ;;
    --skip-install) INSTALL=no ;;
    --jfr) JFR=yes ;;
    --) shift; break ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
BENCH_ARGS=("$@")

DOMAIN=bench.test
PASSWORD=bench-pw
USERS="load lat imap pop1 pop2 pop3 pop4"
# Ports: Postline 12525/11143/11110, Postfix+Dovecot 12025/12143/12110, ceiling 12625, James 13025/13143/13110.
DIST=$ROOT/distribution/target/postline-0.1.0-SNAPSHOT

log() { echo "== $*" >&2; }

[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (apt-get, postfix, dovecot)" >&2; exit 1; }

if [ ! -x "$DIST/bin/postline" ] || [ ! -x "$DIST/bin/postline-bench" ]; then
  log "building the distribution"
  (cd "$ROOT" && mvn -B -q -pl distribution -am package -DskipTests)
fi
BENCH=$DIST/bin/postline-bench

if [ $INSTALL = yes ] && ! { command -v postfix && command -v dovecot; } >/dev/null 2>&1; then
  log "installing postfix and dovecot"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get install -y -q postfix dovecot-imapd dovecot-pop3d
fi

rm -rf "$OUT"
mkdir -p "$OUT"
id vmail >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin vmail
VUID=$(id -u vmail)
VGID=$(id -g vmail)

# Each server starts its measured run with nothing of what came before still being written back (the last run's
# files deleted at the start, the previous server's mail), so that no server's syncs wait behind another's writes.
settle_disk() {
  sync
  local i=0
  while [ $i -lt 300 ] && [ "$(awk '/^(Dirty|Writeback):/ { kb += $2 } END { print kb + 0 }' /proc/meminfo)" -gt 4096 ]; do
    i=$((i + 1)); sleep 0.1
  done
}

wait_port() { # host port seconds
  local i=0
  while ! (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    i=$((i + 1)); [ $i -le $(($3 * 10)) ] || { echo "compare.sh: nothing listens on $1:$2" >&2; return 1; }
    sleep 0.1
  done
}

stop_pid() { # pid
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 600); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

# Whatever happens, nothing this script started is left running.
PIDS=()
cleanup() {
  local status=$?
  set +e
  # Only processes still running what we started (a pid may have been reused since).
  for p in "${PIDS[@]}"; do
    if [ -r "/proc/$p/cmdline" ] && tr '\0' ' ' < "/proc/$p/cmdline" | grep -qE 'org\.postline|org\.apache\.james'; then
      stop_pid "$p"
    fi
  done
  if [ -f "$OUT/dovecot/dovecot.conf" ]; then doveadm -c "$OUT/dovecot/dovecot.conf" stop >/dev/null 2>&1; fi
  if postfix status >/dev/null 2>&1; then postfix stop >/dev/null 2>&1; fi
  exit "$status"
}
trap cleanup EXIT

for port in 12525 11143 11110 12625 12025 12143 12110 13025 13143 13110; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "compare.sh: port $port is already in use; stop what listens there first" >&2; exit 1
  fi
done

# ---------------------------------------------------------------- Postline
log "Postline"
cp -a "$DIST" "$OUT/postline"
cat > "$OUT/postline/conf/postline.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<!-- compare.sh: the shipped defaults, on loopback high ports, TLS offered but not used. -->
<postline>
  <hostname>mail.$DOMAIN</hostname>
  <domains default="$DOMAIN"><domain>$DOMAIN</domain></domains>
  <listeners>
    <smtp name="smtp" port="12525" bind="127.0.0.1" tls="starttls" auth="optional">
      <limits maxMessageSize="25M" maxRecipients="100" maxConnections="1000" maxConnectionsPerIp="50" idleTimeout="5m"/>
    </smtp>
    <pop3 name="pop3" port="11110" bind="127.0.0.1" tls="starttls"/>
    <imap name="imap" port="11143" bind="127.0.0.1" tls="starttls"/>
  </listeners>
  <spool workers="8" maxAttempts="5" retryDelay="30s" maxQueued="10000"/>
  <mailetcontainer file="conf/mailetcontainer.xml"/>
</postline>
XML
for u in $USERS; do echo "$PASSWORD" | "$OUT/postline/bin/postline" user add "$u@$DOMAIN" >/dev/null; done
# A first start creates the TLS certificate and the mailbox tables; the measured start is the second.
"$BENCH" startup --port 12525 --pid-file "$OUT/postline.pid" --log "$OUT/postline.out" \
  -- "$OUT/postline/bin/postline" run >/dev/null
PIDS+=("$(cat "$OUT/postline.pid")")
stop_pid "$(cat "$OUT/postline.pid")"
if [ $JFR = yes ]; then
  export POSTLINE_JAVA_OPTS="${POSTLINE_JAVA_OPTS:-} -XX:StartFlightRecording=filename=$OUT/postline.jfr,settings=profile,dumponexit=true"
fi
STARTUP_MS=$("$BENCH" startup --port 12525 --pid-file "$OUT/postline.pid" --log "$OUT/postline.out" \
  -- "$OUT/postline/bin/postline" run)
PID=$(cat "$OUT/postline.pid")
PIDS+=("$PID")
log "Postline pid $PID greeted after $STARTUP_MS ms"
settle_disk
"$BENCH" run --name postline --smtp-port 12525 --imap-port 11143 --pop3-port 11110 --domain $DOMAIN \
  --password $PASSWORD --server-pid "$PID" --startup-ms "$STARTUP_MS" --client-check \
  --json "$OUT/postline.json" "${BENCH_ARGS[@]}" | tee "$OUT/postline.txt"
stop_pid "$PID"
unset POSTLINE_JAVA_OPTS

# ---------------------------------------------------------------- the front-end ceiling
log "ceiling: James Protocols SMTP + write-and-fsync hook"
"$BENCH" ceiling --port 12625 --dir "$OUT/ceiling-mail" > "$OUT/ceiling.out" 2>&1 &
CEILING=$!
PIDS+=("$CEILING")
wait_port 127.0.0.1 12625 60
settle_disk
"$BENCH" run --name ceiling --smtp-port 12625 --phases smtp --no-delivery --domain $DOMAIN \
  --json "$OUT/ceiling.json" "${BENCH_ARGS[@]}" | tee "$OUT/ceiling.txt"
stop_pid "$CEILING"

# ---------------------------------------------------------------- Postfix + Dovecot
log "Postfix + Dovecot"
MAIL=$OUT/mail
mkdir -p "$OUT/postfix" "$OUT/dovecot/run" "$MAIL"
chown -R vmail:vmail "$MAIL"
: > "$OUT/postfix/vmailbox"
: > "$OUT/dovecot/users"
# A salted, iterated hash as Postline keeps (PBKDF2, 210,000 rounds); SHA512-CRYPT is Dovecot's usual choice.
HASH=$(doveadm pw -s SHA512-CRYPT -p "$PASSWORD")
for u in $USERS; do
  echo "$u@$DOMAIN $DOMAIN/$u/" >> "$OUT/postfix/vmailbox"
  echo "$u@$DOMAIN:$HASH" >> "$OUT/dovecot/users"
done
chmod 640 "$OUT/dovecot/users"; chgrp dovecot "$OUT/dovecot/users"
for f in main.cf master.cf; do
  [ -f /etc/postfix/$f ] && [ ! -f /etc/postfix/$f.before-bench ] && cp /etc/postfix/$f /etc/postfix/$f.before-bench
done
[ -f /etc/postfix/master.cf.before-bench ] || cp /usr/share/postfix/master.cf.dist /etc/postfix/master.cf.before-bench
cat > /etc/postfix/main.cf <<CF
# compare.sh: Postfix defaults, loopback only, virtual mailboxes (Maildir) that Dovecot serves.
compatibility_level = 3.6
myhostname = mx.$DOMAIN
mydestination =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_base = $MAIL
virtual_mailbox_maps = texthash:$OUT/postfix/vmailbox
virtual_uid_maps = static:$VUID
virtual_gid_maps = static:$VGID
virtual_transport = virtual
maillog_file = $OUT/postfix/maillog
CF
sed -e 's/^smtp      inet .*/127.0.0.1:12025 inet n - n - - smtpd/' /etc/postfix/master.cf.before-bench > /etc/postfix/master.cf
postfix check
postfix start >/dev/null 2>&1 || postfix reload
cat > "$OUT/dovecot/dovecot.conf" <<CF
# compare.sh: Dovecot defaults, loopback only, plain-text logins (as Postline allows on loopback).
protocols = imap pop3
listen = 127.0.0.1
base_dir = $OUT/dovecot/run
log_path = $OUT/dovecot/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$MAIL/%d/%n
mail_max_userip_connections = 100
first_valid_uid = $VUID
passdb {
  driver = passwd-file
  args = username_format=%u $OUT/dovecot/users
}
userdb {
  driver = static
  args = uid=$VUID gid=$VGID home=$MAIL/%d/%n
}
service imap-login {
  inet_listener imap {
    port = 12143
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 12110
  }
  inet_listener pop3s {
    port = 0
  }
}
CF
dovecot -c "$OUT/dovecot/dovecot.conf"
wait_port 127.0.0.1 12025 30
wait_port 127.0.0.1 12143 30
settle_disk
"$BENCH" run --name postfix+dovecot --smtp-port 12025 --imap-port 12143 --pop3-port 12110 --domain $DOMAIN \
  --password $PASSWORD --json "$OUT/postfix-dovecot.json" "${BENCH_ARGS[@]}" | tee "$OUT/postfix-dovecot.txt"
doveadm -c "$OUT/dovecot/dovecot.conf" stop || true
postfix stop >/dev/null 2>&1 || true

BASELINES=(--baseline "postfix+dovecot=$OUT/postfix-dovecot.json" --baseline "ceiling=$OUT/ceiling.json")

# ---------------------------------------------------------------- Apache James 3.8.1 (memory app)
if [ $JAMES = yes ]; then
  log "Apache James 3.8.1 memory app"
  settle_disk
  "$ROOT/bench/james.sh" "$OUT/james" 13025 13143 13110 "$DOMAIN" "$PASSWORD" "$USERS"
  JPID=$(cat "$OUT/james/james.pid")
  PIDS+=("$JPID")
  "$BENCH" run --name james --smtp-port 13025 --imap-port 13143 --pop3-port 13110 --domain $DOMAIN \
    --password $PASSWORD --server-pid "$JPID" --json "$OUT/james.json" "${BENCH_ARGS[@]}" | tee "$OUT/james.txt"
  stop_pid "$JPID"
  BASELINES+=(--baseline "james=$OUT/james.json")
fi

log "ratios"
"$BENCH" compare --candidate "$OUT/postline.json" "${BASELINES[@]}" | tee "$OUT/ratios.txt"
echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')" | tee -a "$OUT/ratios.txt"
