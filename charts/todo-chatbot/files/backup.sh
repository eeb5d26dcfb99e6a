# The backup CronJob's script (templates/backup/cronjob.yaml), run by sh in the postgres image.
# Reads DATABASE_URL, BACKUP_DIR and BACKUP_KEEP; never prints the URL.
set -eu
# libpq's spelling of the apps' URL forms: postgres(ql)+driver:// and asyncpg's ssl=.
url=$(printf '%s' "$DATABASE_URL" | sed -E \
  -e 's#^postgres(ql)?(\+[A-Za-z0-9_]+)?://#postgresql://#' \
  -e 's#([?&])ssl=(true|1)(&|$)#\1sslmode=require\3#' \
  -e 's#([?&])ssl=(false|0)(&|$)#\1sslmode=disable\3#' \
  -e 's#([?&])ssl=#\1sslmode=#')
name="todo-$(date -u +%Y%m%dT%H%M%SZ).dump"
rm -f "$BACKUP_DIR"/*.partial
echo "backup: pg_dump -Fc into $BACKUP_DIR/$name"
pg_dump --format=custom --dbname="$url" --file="$BACKUP_DIR/$name.partial"
mv "$BACKUP_DIR/$name.partial" "$BACKUP_DIR/$name"
echo "backup: wrote $name ($(wc -c < "$BACKUP_DIR/$name") bytes)"
ls -1 "$BACKUP_DIR" | grep -E '^todo-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r | tail -n "+$((BACKUP_KEEP + 1))" | while read -r old; do
  rm -f "$BACKUP_DIR/$old"
  echo "backup: removed $old (keeping the newest $BACKUP_KEEP)"
done
