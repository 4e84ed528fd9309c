#!/bin/sh
# Nightly logical backup of the whole platform database: every schema (public, each studio, the template,
# the pool) in one consistent pg_dump snapshot, custom format, checksummed, old ones pruned.
#   DATABASE_URL=postgres://... BACKUP_DIR=/backups KEEP_DAYS=14 deploy/backup/nightly.sh
# Run it from cron, a Kubernetes CronJob (the app image has pg_dump 15) or the compose `postgres` service.
# Media are not in it: version the bucket (S3 versioning / MinIO `mc version enable`) or rsync MEDIA_ROOT.
# Restore everything: pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" fitwell-<stamp>.dump
# One studio out of it: restore into a scratch database, then `manage.py export_studio` there and
# `manage.py restore_studio` here (docs/operations.md "Restore a studio").
set -eu
: "${DATABASE_URL:?set DATABASE_URL}"
dir="${BACKUP_DIR:-/backups}"
keep="${KEEP_DAYS:-14}"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
file="$dir/fitwell-$stamp.dump"
mkdir -p "$dir"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" "$DATABASE_URL"
pg_restore --list "$file.partial" > /dev/null  # readable, or fail loudly before it replaces anything
mv "$file.partial" "$file"
sha256sum "$file" > "$file.sha256"
find "$dir" -maxdepth 1 -name 'fitwell-*.dump*' -mtime "+$keep" -delete
echo "backup $file $(du -h "$file" | cut -f1)"
