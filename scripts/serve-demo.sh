#!/usr/bin/env bash
# `make run`'s server: raksa serve (web processes and the worker) with local stand-ins of LINE's Messaging API
# (holding the rich menu `raksa line setup` puts there) and of an SMS gateway beside it, so the demo's alerts
# reach something: /dispatch/phones/ shows what each team's phone would have received. Real settings in the
# environment win over the stand-ins'.
set -euo pipefail
cd "$(dirname "$0")/.."
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
BIN=.venv/bin
LINE_PORT=${RAKSA_DEMO_LINE_PORT:-8081}
SMS_PORT=${RAKSA_DEMO_SMS_PORT:-8082}

"$BIN/raksa" standins --line-port "$LINE_PORT" --sms-port "$SMS_PORT" &
STANDINS=$!
trap 'kill "$STANDINS" 2>/dev/null || true' EXIT

export LINE_API_BASE=${LINE_API_BASE:-http://127.0.0.1:$LINE_PORT}
export LINE_API_DATA_BASE=${LINE_API_DATA_BASE:-http://127.0.0.1:$LINE_PORT}
export LINE_CHANNEL_ACCESS_TOKEN=${LINE_CHANNEL_ACCESS_TOKEN:-standin-line-channel-access-token}
# The webhook checks signatures with this secret; LINE events signed with it (the stand-in's webhook_deliver) pass.
export LINE_CHANNEL_SECRET=${LINE_CHANNEL_SECRET:-standin-line-channel-secret}
export RAKSA_SMS_GATEWAY_URL=${RAKSA_SMS_GATEWAY_URL:-http://127.0.0.1:$SMS_PORT/v1/messages}
export RAKSA_SMS_GATEWAY_TOKEN=${RAKSA_SMS_GATEWAY_TOKEN:-standin-sms-gateway-token}
export RAKSA_STANDINS_URLS=${RAKSA_STANDINS_URLS:-http://127.0.0.1:$LINE_PORT,http://127.0.0.1:$SMS_PORT}
# The LINE chat simulator (/line/simulator/): plays a LINE user against the stand-in; never on a real server.
export RAKSA_LINE_SIMULATOR=${RAKSA_LINE_SIMULATOR:-1}
export RAKSA_PUBLIC_URL=${RAKSA_PUBLIC_URL:-http://$HOST:$PORT}

# The demo's LINE account gets its rich menu once the stand-in listens (best effort: the demo runs without it).
# Only against the stand-in: real LINE settings in the environment are for `raksa line setup` run on purpose.
if [ "$LINE_API_BASE" = "http://127.0.0.1:$LINE_PORT" ]; then
  (
    for _ in $(seq 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$LINE_PORT") 2>/dev/null && break
      sleep 0.1
    done
    "$BIN/raksa" line setup || echo "raksa line setup failed: the demo's LINE chat has no rich menu" >&2
  ) &
fi

"$BIN/raksa" serve --host "$HOST" --port "$PORT"
