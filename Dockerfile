# syntax=docker/dockerfile:1
# FitWell Pro: one image for every process (web, worker, beat, the migrate job), chosen by the command.
#   docker build -t fitwell .            docker run fitwell web | worker | beat | migrate | manage <command>
# The base is pinned by digest (python 3.11.10, Debian 12 "bookworm" slim); refresh both together with
#   docker buildx imagetools inspect python:3.11-slim-bookworm
# and keep the Debian release in step with postgresql-client below (bookworm ships PostgreSQL 15's pg_dump).
ARG PYTHON_IMAGE=python:3.11.10-slim-bookworm@sha256:5148c0e4bbb64271bca1d3322360ebf4bfb7564507ae32dd639322e4952a6b16

# --- build: compilers only here; the virtualenv, compiled translations and static files move on ---------
FROM ${PYTHON_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 VIRTUAL_ENV=/opt/venv
# Debian package versions follow the pinned base image's release (hadolint DL3008 is off in .hadolint.yaml).
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential gettext \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements/base.txt requirements/production.txt requirements/
RUN pip install --require-virtualenv -r requirements/production.txt
COPY . .
# Settings for the build only: no secret is needed to compile messages or collect static files.
RUN DJANGO_SETTINGS_MODULE=config.settings.build STATIC_ROOT=/app/staticfiles \
        python manage.py compilemessages --ignore=.venv \
    && DJANGO_SETTINGS_MODULE=config.settings.build STATIC_ROOT=/app/staticfiles \
        python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app/config /app/core /app/tenants /app/domain /app/billing /app/portal

# --- runtime: the interpreter, the libraries the code calls at run time, no compiler ---------------------
FROM ${PYTHON_IMAGE} AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# WeasyPrint (invoices) needs Pango; videos need ffmpeg/ffprobe; studio provisioning and export need pg_dump
# of the server's major version (PostgreSQL 15); tini reaps children and forwards signals.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
        ffmpeg postgresql-client tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 fitwell \
    && useradd --system --uid 10001 --gid fitwell --home-dir /app --no-create-home --shell /usr/sbin/nologin fitwell
ENV PATH=/opt/venv/bin:$PATH \
    VIRTUAL_ENV=/opt/venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media \
    PROMETHEUS_MULTIPROC_DIR=/tmp/metrics \
    LOG_FORMAT=json \
    PORT=8000
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /app /app
WORKDIR /app
RUN mkdir -p /data/media /tmp/metrics && chown fitwell:fitwell /data/media /tmp/metrics
USER 10001:10001
EXPOSE 8000 9100
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["python", "deploy/probe.py", "/healthz"]
ENTRYPOINT ["/usr/bin/tini", "--", "/app/deploy/entrypoint.sh"]
CMD ["web"]
