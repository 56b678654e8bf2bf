#!/usr/bin/env bash
# What `npm start` prints once the API and the worker are ready: where everything
# is and the first four steps, copy-paste ready. Sourced by scripts/start-local.sh
# (which sets PORT, WORKER_METRICS_PORT, the logs and the demo credentials).
hl_banner() {
  local api="http://127.0.0.1:$PORT"
  cat <<BANNER

  Hookline is running.
    API            $api          (OpenAPI UI: $api/docs)
    console        $api/console/  (sign in with the client below)
    event types    $api/api/v1/event-types
    metrics        API $api/metrics, worker http://127.0.0.1:$WORKER_METRICS_PORT/metrics
    logs           $API_LOG, $WORKER_LOG
    PostgreSQL     $DATABASE_URL
    Redis          $REDIS_URL

  Demo organization $ORG_ID, ORG_ADMIN client (all permissions; kept in .hookline/dev/demo-credentials.json):
    client_id      $CLIENT_ID
    client_secret  $CLIENT_SECRET

  1. Get a token:
    TOKEN=\$(curl -s -u '$CLIENT_ID:$CLIENT_SECRET' -d grant_type=client_credentials $api/oauth2/token | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')

  2. Create a webhook (point url at your receiver; loopback is allowed here). The answer's signingSecret is shown once:
    WEBHOOK=\$(curl -s -X POST $api/api/v1/organization/webhooks -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"name":"Low battery","triggerType":"DEVICE_LOW_BATTERY","url":"https://example.com/hooks/{device_id}","bodyTemplate":"{\"level\": {battery_level}}"}'); echo "\$WEBHOOK"

  3. Publish an event:
    curl -s -X POST $api/api/v1/organization/events -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"event_type":"device.low_battery","device_id":"6f1c1a52-3b0e-4c7d-9a51-2f7a4f8b9c01","battery_level":0.12}'

  4. Read the webhook's delivery log:
    curl -s $api/api/v1/organization/webhooks/\$(echo "\$WEBHOOK" | node -pe 'JSON.parse(require("fs").readFileSync(0)).id')/deliveries -H "Authorization: Bearer \$TOKEN"

  Verifying requests on the receiving side: docs/receiving.md. Ctrl-C stops everything.

BANNER
}
