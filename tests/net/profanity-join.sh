#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Interoperability: Profanity (another XMPP client, from Debian) signs in to the test server,
# joins a circle's room that Cousinade created, and must show the room's name.
# Usage: profanity-join.sh PORT ROOM EXPECTED_NAME ADDRESS PASSWORD
# By hand: run the same tmux commands against any server; "tls trust" is for test servers only.
set -eu

port=$1 room=$2 name=$3 address=$4 password=$5
home=$(mktemp -d)
session="cs-profanity-$$"
# Profanity may still write its logs for a moment after its tmux server is gone: a home that
# will not go away at once is retried, and never fails a test that passed.
cleanup () {
  tmux -L "$session" kill-server 2>/dev/null || true
  for _ in 1 2 3 4 5; do
    rm -rf "$home" 2>/dev/null && return 0
    sleep 0.2
  done
  return 0
}
trap cleanup EXIT

# Profanity is a GLib program too: the test suite's fatal-warnings settings are not for it.
HOME="$home" tmux -L "$session" new-session -d -s "$session" -x 160 -y 40 \
  "env -u G_DEBUG -u G_ENABLE_DIAGNOSTIC -u MALLOC_CHECK_ -u MALLOC_PERTURB_ HOME='$home' profanity"
screen () { tmux -L "$session" capture-pane -t "$session" -p; }
wait_for () {
  for _ in $(seq 1 100); do
    screen | grep -q "$1" && return 0
    sleep 0.1
  done
  echo "Profanity never showed: $1" >&2
  screen >&2
  return 1
}

wait_for "Profanity"
tmux -L "$session" send-keys -t "$session" \
  "/connect $address server 127.0.0.1 port $port tls trust" Enter
wait_for "password"
tmux -L "$session" send-keys -t "$session" "$password" Enter
wait_for "logged in successfully"
tmux -L "$session" send-keys -t "$session" "/join $room" Enter
wait_for "You have joined the room"
wait_for "$name"
echo "Profanity joined $room and shows “$name”"
screen | grep -v '^ *$' | tail -8
tmux -L "$session" send-keys -t "$session" "/quit" Enter
