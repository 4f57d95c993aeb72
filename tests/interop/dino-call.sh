#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Interoperability check with Dino 0.4 (Debian's dino-im), by hand: not part of the suite,
# because it drives Dino's window by screen position (xdotool) and needs a person to look at
# the screenshots. Run as root on Debian 12 after `build-aux/dev.sh test` has built the tree:
#
#   apt-get install -y dino-im xdotool
#   tests/interop/dino-call.sh bot-rings-dino    # cousinade-bot calls Dino, Dino answers
#   tests/interop/dino-call.sh dino-rings-bot    # Dino calls cousinade-bot, the bot answers
#   tests/interop/dino-call.sh bot-starts-group  # the bot starts a call in a circle Dino is in
#   tests/interop/dino-call.sh dino-starts-group # Dino starts a call in the circle, the bot joins
#
# What it sets up, all of it removed at the end:
# - two network namespaces joined by a veth pair: "dsrv" (10.99.0.1: Prosody on 5222, as Dino
#   only connects to a domain's standard port, and Dino itself) and "dbot" (10.99.0.2: the bot);
# - a test CA and Prosody for "localhost" from tests/fixtures (accounts dino and bot, each in
#   the other's roster: Dino only rings for, and only calls, contacts);
# - Dino under Xvfb in a private mount namespace where the system CA bundle is replaced by one
#   that also trusts the test CA (Dino has no setting for that); its account is written into
#   its database before it starts. Dino prints its XMPP traffic (--print-xmpp=all).
# Results in $OUT (default /tmp/cousinade-dino): screenshots, Dino's log, the bot's JSON.
set -eu

mode=${1:-bot-rings-dino}
here=$(cd "$(dirname "$0")/../.." && pwd)
bot=$here/build/src/tools/cousinade-bot
OUT=${OUT:-/tmp/cousinade-dino}
display=:97

[ "$(id -u)" -eq 0 ] || { echo "$0: run as root (network namespaces)" >&2; exit 2; }
for tool in dino-im xdotool Xvfb prosody import sqlite3; do
  command -v $tool >/dev/null 2>&1 || { echo "$0: $tool is missing" >&2; exit 2; }
done
[ -x "$bot" ] || { echo "$0: build first (build-aux/dev.sh test)" >&2; exit 2; }

rm -rf "$OUT"
mkdir -p "$OUT/home" "$OUT/run" "$OUT/prosody/data/localhost/roster"
chmod 700 "$OUT/run"

cleanup () {
  [ -f "$OUT/prosody/pid" ] && kill "$(cat "$OUT/prosody/pid")" 2>/dev/null || true
  pkill -f "cousinade-bot --id bot" 2>/dev/null || true
  [ -n "${dino_session:-}" ] && pkill -s "$dino_session" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  ip netns del dsrv 2>/dev/null || true
  ip netns del dbot 2>/dev/null || true
}
trap cleanup EXIT INT TERM

ip netns add dsrv
ip netns add dbot
ip link add dsrv0 type veth peer name dbot0
ip link set dsrv0 netns dsrv
ip link set dbot0 netns dbot
# libnice skips interfaces named veth*: these are eth0 inside.
ip -n dsrv link set dsrv0 name eth0
ip -n dbot link set dbot0 name eth0
ip -n dsrv addr add 10.99.0.1/24 dev eth0
ip -n dbot addr add 10.99.0.2/24 dev eth0
for ns in dsrv dbot; do ip -n $ns link set lo up; ip -n $ns link set eth0 up; done

sh "$here/tests/fixtures/make-test-certs.sh" "$OUT/certs" >/dev/null 2>&1
sed -e "s|@PID_FILE@|$OUT/prosody/pid|" -e "s|@DATA_DIR@|$OUT/prosody/data|" \
    -e "s|@LOG_LEVEL@|info|" -e "s|@LOG_FILE@|$OUT/prosody/log|" -e 's|@ADDRESS@|*|g' \
    -e 's|@PORT@|5222|' -e "s|@CERT@|$OUT/certs/server.pem|g" -e "s|@KEY@|$OUT/certs/server.key|g" \
    -e 's|@TURN_MODULE@||' -e 's|@TURN_OPTIONS@||' -e 's|@ALLOW_REGISTRATION@|false|' \
    "$here/tests/fixtures/prosody.cfg.lua.in" > "$OUT/prosody/prosody.cfg.lua"
for pair in dino:bot bot:dino; do
  user=${pair%%:*}; contact=${pair##*:}
  cat > "$OUT/prosody/data/localhost/roster/$user.dat" <<ROSTER
return {
  [false] = { ["version"] = 1; };
  ["$contact@localhost"] = { ["subscription"] = "both"; ["groups"] = {}; ["name"] = "$contact"; };
};
ROSTER
done
ip netns exec dsrv prosodyctl --config "$OUT/prosody/prosody.cfg.lua" register dino localhost dinopass >/dev/null 2>&1
ip netns exec dsrv prosodyctl --config "$OUT/prosody/prosody.cfg.lua" register bot localhost botpass >/dev/null 2>&1
ip netns exec dsrv prosody -F --config "$OUT/prosody/prosody.cfg.lua" > "$OUT/prosody/out.log" 2>&1 &
sleep 2

Xvfb $display -screen 0 1280x800x24 -nolisten tcp > "$OUT/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display
sleep 1

cat /etc/ssl/certs/ca-certificates.crt "$OUT/certs/ca.pem" > "$OUT/bundle.pem"
cat > "$OUT/run-dino.sh" <<DINO
#!/bin/sh
mount --bind "$OUT/bundle.pem" /etc/ssl/certs/ca-certificates.crt
export HOME="$OUT/home" DISPLAY=$display XDG_RUNTIME_DIR="$OUT/run" GSETTINGS_BACKEND=memory
exec dbus-run-session -- dino-im --print-xmpp=all
DINO
chmod +x "$OUT/run-dino.sh"

# Dino, its session bus and what that bus starts (keyring, portals) in a session of their
# own, so that all of it can be stopped at once.
start_dino () {
  rm -rf "$OUT/run"
  mkdir -m 700 "$OUT/run"
  setsid ip netns exec dsrv unshare -m "$OUT/run-dino.sh" > "$OUT/dino.log" 2>&1 &
  dino_session=$!
  sleep 8
}

stop_dino () {
  pkill -s "$dino_session" 2>/dev/null || true
  sleep 2
}

# A first start makes Dino's database; the account goes in, then Dino starts for good.
start_dino
stop_dino
sqlite3 "$OUT/home/.local/share/dino/dino.db" \
  "INSERT INTO account (bare_jid, resourcepart, password, alias, enabled) VALUES ('dino@localhost', 'dino1', 'dinopass', 'Dino', 1);"
start_dino
import -window root "$OUT/1-dino-signed-in.png"

run_bot () {
  ip netns exec dbot env COUSINADE_MEDIA=test G_DEBUG=gc-friendly "$bot" --id bot \
    --xmpp bot@localhost --password botpass --server 10.99.0.1:5222 \
    --ca-file "$OUT/certs/ca.pem" --name Bot --duration 40 --wait 60 "$@" \
    > "$OUT/bot.json" 2> "$OUT/bot.log" &
}

# Dino's window as it opens on a 1280x800 screen: "+" at (29,28), the call button of a
# one-to-one conversation at (978,28), its "Video call" item at (978,112).
case "$mode" in
  bot-rings-dino)
    run_bot --ring dino@localhost
    sleep 6
    xdotool mousemove 29 28 click 1; sleep 1          # + > Start Conversation
    xdotool mousemove 80 80 click 1; sleep 1.5
    xdotool mousemove 170 137 click 1; sleep 0.5      # Bot
    xdotool mousemove 422 28 click 1; sleep 2         # Start
    import -window root "$OUT/2-ringing.png"
    xdotool mousemove 502 596 click 1                 # Accept
    ;;
  dino-rings-bot)
    run_bot --answer --members dino@localhost
    sleep 6
    xdotool mousemove 29 28 click 1; sleep 1
    xdotool mousemove 80 80 click 1; sleep 1.5
    xdotool mousemove 170 137 click 1; sleep 0.5
    xdotool mousemove 422 28 click 1; sleep 2
    import -window root "$OUT/2-conversation.png"
    xdotool mousemove 978 28 click 1; sleep 1
    xdotool mousemove 978 112 click 1                 # Video call
    ;;
  bot-starts-group|dino-starts-group)
    # The circle's room, made by the bot with Dino as a member; Dino enters it by hand
    # (+ > Join Channel), as Dino does not act on invitations without a notification daemon.
    run_bot --create-circle "Cousinade Dupont" --circle dupont@rooms.localhost \
      --members dino@localhost,bot@localhost
    sleep 6
    xdotool mousemove 29 28 click 1; sleep 1          # + > Join Channel
    xdotool mousemove 60 112 click 1; sleep 1.5
    xdotool type --delay 30 "dupont@rooms.localhost"; sleep 0.5
    xdotool mousemove 212 137 click 1; sleep 0.7      # the room
    xdotool mousemove 424 28 click 1; sleep 2         # Next
    xdotool mousemove 427 28 click 1; sleep 4         # Join
    import -window root "$OUT/2-circle-room.png"
    if [ "$mode" = dino-starts-group ]; then
      xdotool mousemove 937 28 click 1; sleep 1       # the room's call button
      xdotool mousemove 937 112 click 1               # Video call
    else
      # Dino shows a call only when its invite comes while it is in the room (not one found
      # in the room's history): the bot starts it now.
      pkill -f "cousinade-bot --id bot" || true
      sleep 2
      run_bot --circle dupont@rooms.localhost --members dino@localhost,bot@localhost --start-call
      sleep 6
      import -window root "$OUT/2-call-offered.png"
      xdotool mousemove 508 596 click 1               # Accept
    fi
    ;;
  *)
    echo "usage: $0 bot-rings-dino|dino-rings-bot|bot-starts-group|dino-starts-group" >&2
    exit 2
    ;;
esac

sleep 15
import -window root "$OUT/3-in-call.png"
echo "Bot events:"
grep -v '"event":"call"\|"event":"stats"' "$OUT/bot.json" || true
echo "Last statistics:"
grep '"event":"stats"' "$OUT/bot.json" | tail -1 || true
echo "Screenshots and logs in $OUT. In the call, Dino should show the bot's moving test picture."
