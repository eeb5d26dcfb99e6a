#!/usr/bin/env bash
# Entrypoint of the PostgreSQL stand-in image. On the first start (empty $PGDATA) it creates
# the cluster from the environment, the way the official image does in its minimal form:
#   POSTGRES_PASSWORD / POSTGRES_PASSWORD_FILE  superuser password (required unless
#                                                POSTGRES_HOST_AUTH_METHOD=trust)
#   POSTGRES_USER      superuser name (default postgres)
#   POSTGRES_DB        database created for it (default: $POSTGRES_USER)
#   POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256)
#   /docker-entrypoint-initdb.d/*.sql, *.sql.gz, *.sh   run once, in name order
# Then PostgreSQL runs in the foreground as `postgres`, listening on all addresses, port 5432.
set -Eeuo pipefail

log() { printf 'entrypoint: %s\n' "$*"; }

# `docker run IMAGE -c fsync=off` means postgres with those options.
if [[ "${1:-}" == -* ]]; then set -- postgres "$@"; fi
if [[ "${1:-}" != postgres ]]; then exec "$@"; fi

PGDATA="${PGDATA:-/var/lib/postgresql/data}"
export PGDATA

if [[ "$(id -u)" == 0 ]]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  # Only change ownership where needed (a mounted, already-owned data directory stays as is).
  find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres {} +
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [[ ! -s "$PGDATA/PG_VERSION" ]]; then
  if [[ -n "${POSTGRES_PASSWORD_FILE:-}" ]]; then
    POSTGRES_PASSWORD="$(<"$POSTGRES_PASSWORD_FILE")"
  fi
  user="${POSTGRES_USER:-postgres}"
  db="${POSTGRES_DB:-$user}"
  auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
  if [[ -z "${POSTGRES_PASSWORD:-}" && "$auth" != trust ]]; then
    cat >&2 <<'MSG'
entrypoint: error: the database is uninitialised and no superuser password is set.
  Set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), or POSTGRES_HOST_AUTH_METHOD=trust
  to allow every connection without a password (never outside a throwaway container).
MSG
    exit 1
  fi

  log "initialising $PGDATA for user \"$user\", database \"$db\""
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  pwfile=""
  if [[ -n "${POSTGRES_PASSWORD:-}" ]]; then
    pwfile="$(mktemp)"
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS is a list of options on purpose.
  initdb --username="$user" ${pwfile:+--pwfile="$pwfile"} --auth-local=trust --auth-host="$auth" \
    --encoding=UTF8 ${POSTGRES_INITDB_ARGS:-} >/dev/null
  [[ -n "$pwfile" ]] && rm -f "$pwfile"
  # Unix-socket connections inside the container are trusted; every TCP one uses $auth.
  printf 'host all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"
  printf "\n# docker-entrypoint.sh\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"

  # A temporary server on the Unix socket only, so that nobody connects before set-up ends.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -s start
  psql_run=(psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$user" --dbname postgres)
  if [[ "$db" != postgres ]]; then
    "${psql_run[@]}" --set db="$db" <<<'CREATE DATABASE :"db";'
  fi
  shopt -s nullglob
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck source=/dev/null # init scripts are the user's.
    case "$f" in
      *.sh) log "running $f"; if [[ -x "$f" ]]; then "$f"; else . "$f"; fi ;;
      *.sql) log "running $f"; "${psql_run[@]}" --dbname "$db" -f "$f" ;;
      *.sql.gz) log "running $f"; gunzip -c "$f" | "${psql_run[@]}" --dbname "$db" ;;
      *) log "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w -s stop
  log "initialisation done"
fi

exec "$@"
