#!/bin/sh
# The image's entry point: one image, the process chosen by the first argument.
#   web       the HTTP server: gunicorn (WSGI, deploy/gunicorn.conf.py, persistent database connections).
#             WEB_SERVER=asgi serves everything, sockets included, from one uvicorn instead (a small host)
#   ws        the WebSocket server: uvicorn on config.asgi, WS_WORKERS processes; the proxy sends it only /ws/
#   worker    a Celery worker (CELERY_QUEUES, CELERY_CONCURRENCY); its metrics on METRICS_PORT (9100)
#   beat      the Celery scheduler: run exactly ONE, ever
#   migrate   the deploy job: migrate_schemas (public, every studio, the template, the pool) + the pool refill
#   manage    any management command: `manage export_studio --slug iron --to /backups/iron`
# ENTRYPOINT_DRY_RUN=1 prints the command instead of running it (tests, and to see what would run).
#
# Why HTTP is WSGI (docs/operations.md, "Deploying"): under uvicorn Django runs each sync view in an executor
# thread and each such thread kept its own persistent connection, so a 50-row API list under load exhausted
# PostgreSQL's connections ("too many clients", 500s) and /healthz made 0.10x of plain Django, p95 4 s
# (gunicorn: 0.5-0.6x, p95 ~5 ms). An ASGI process therefore always runs with DB_CONN_MAX_AGE=0, as Django's
# documentation asks: a connection per database call of a socket, closed after it.
set -eu

PORT="${PORT:-8000}"
run() {
    if [ "${ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then
        echo "$*"
        exit 0
    fi
    exec "$@"
}

# uvicorn on config.asgi (HTTP and WebSockets), without persistent database connections (see above).
asgi() {
    workers="$1"
    shift
    run env DB_CONN_MAX_AGE=0 uvicorn config.asgi:application --host 0.0.0.0 --port "$PORT" --workers "$workers" \
        --ws websockets-sansio --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" \
        --no-server-header --timeout-graceful-shutdown 10 "$@"
}

# Metrics from several processes of one pod are summed through files here (prometheus-client's
# multiprocess mode); each start begins empty.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ] && [ "${ENTRYPOINT_DRY_RUN:-0}" != "1" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
fi

command="${1:-web}"
[ "$#" -gt 0 ] && shift
case "$command" in
web)
    case "${WEB_SERVER:-wsgi}" in
    wsgi | auto)
        run gunicorn -c deploy/gunicorn.conf.py config.wsgi:application "$@"
        ;;
    asgi)
        asgi "${WEB_CONCURRENCY:-${GUNICORN_WORKERS:-2}}" "$@"
        ;;
    *)
        echo "WEB_SERVER must be wsgi, asgi or auto (= wsgi), not '${WEB_SERVER}'" >&2
        exit 64
        ;;
    esac
    ;;
ws)
    # Sockets wait on Redis and on the client, not on the CPU: one event loop serves many; scale by pods.
    asgi "${WS_WORKERS:-1}" "$@"
    ;;
worker)
    run celery -A config worker --loglevel "${LOG_LEVEL:-INFO}" \
        --queues "${CELERY_QUEUES:-celery}" --concurrency "${CELERY_CONCURRENCY:-2}" \
        --without-gossip --without-mingle "$@"
    ;;
beat)
    # The schedule lives in settings (CELERY_BEAT_SCHEDULE); its state file on the container's disk.
    run celery -A config beat --loglevel "${LOG_LEVEL:-INFO}" --schedule /tmp/celerybeat-schedule "$@"
    ;;
migrate)
    if [ "${ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then
        echo "python manage.py migrate_schemas --noinput && python manage.py studio_pool"
        exit 0
    fi
    python manage.py migrate_schemas --noinput "$@"
    exec python manage.py studio_pool
    ;;
manage)
    run python manage.py "$@"
    ;;
*)
    run "$command" "$@"
    ;;
esac
