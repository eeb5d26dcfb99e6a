#!/bin/sh
# Like the official node image: `docker run IMAGE app.js` or `docker run IMAGE --version`
# runs node; any command found on PATH (npm, sh, ...) runs as given.
set -e
if [ "${1#-}" != "$1" ] || ! command -v -- "$1" >/dev/null 2>&1; then
  set -- node "$@"
fi
exec "$@"
