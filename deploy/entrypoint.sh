#!/bin/sh
# The image's entry point: one image, the process chosen by the first argument.
#   web       the HTTP server: WEB_SERVER=asgi (uvicorn, else daphne) | wsgi (gunicorn) | auto (default:
#             ASGI when an ASGI server is installed, so WebSockets work; gunicorn otherwise)
#   worker    a Celery worker (CELERY_QUEUES, CELERY_CONCURRENCY); its metrics on METRICS_PORT (9100)
#   beat      the Celery scheduler: run exactly ONE, ever
#   migrate   the deploy job: migrate_schemas (public, every studio, the template, the pool) + the pool refill
#   manage    any management command: `manage export_studio --slug iron --to /backups/iron`
# ENTRYPOINT_DRY_RUN=1 prints the command instead of running it (tests, and to see what would run).
set -eu

PORT="${PORT:-8000}"
run() {
    if [ "${ENTRYPOINT_DRY_RUN:-0}" = "1" ]; then
        echo "$*"
        exit 0
    fi
    exec "$@"
}

has_module() {
    python -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('$1') else 1)" 2>/dev/null
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
    server="${WEB_SERVER:-auto}"
    if [ "$server" = "auto" ]; then
        if has_module uvicorn || has_module daphne; then server=asgi; else server=wsgi; fi
    fi
    workers="${WEB_CONCURRENCY:-${GUNICORN_WORKERS:-2}}"
    case "$server" in
    asgi)
        if has_module uvicorn; then
            run uvicorn config.asgi:application --host 0.0.0.0 --port "$PORT" --workers "$workers" \
                --proxy-headers --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" --no-server-header \
                --timeout-graceful-shutdown "${GUNICORN_GRACEFUL_TIMEOUT:-30}" "$@"
        fi
        run daphne --bind 0.0.0.0 --port "$PORT" --proxy-headers config.asgi:application "$@"
        ;;
    wsgi)
        run gunicorn -c deploy/gunicorn.conf.py config.wsgi:application "$@"
        ;;
    *)
        echo "WEB_SERVER must be auto, asgi or wsgi, not '$server'" >&2
        exit 64
        ;;
    esac
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
