# Stand-in for the official postgres:15-bookworm, for CI machines that cannot pull images:
# Debian 12's own PostgreSQL 15 with a small entrypoint that honours POSTGRES_USER,
# POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), POSTGRES_DB, POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD and /docker-entrypoint-initdb.d/ on first start.
ARG BASE_IMAGE=todo-base/debian:bookworm
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="postgres 15 (bookworm) stand-in" \
      org.opencontainers.image.description="stand-in for CI, not for release"

# The same numeric IDs as the official image (999), created before the package would pick one.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && mkdir -p /var/lib/postgresql \
 && chown postgres:postgres /var/lib/postgresql

# Build-time only (an ARG, not an ENV): no debconf prompts.
ARG DEBIAN_FRONTEND=noninteractive
# postgresql-common first, told not to create Debian's "main" cluster: the entrypoint creates
# the data directory at run time instead.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-common \
 && sed -i -E 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf \
 && grep -q '^create_main_cluster = false' /etc/postgresql-common/createcluster.conf \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/run/postgresql \
 && chown postgres:postgres /var/run/postgresql \
 && chmod 3777 /var/run/postgresql

ENV PG_MAJOR=15 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/15/bin \
    PGDATA=/var/lib/postgresql/data \
    LANG=C.UTF-8

RUN mkdir -p /docker-entrypoint-initdb.d "$PGDATA" \
 && chown postgres:postgres "$PGDATA" \
 && chmod 1777 "$PGDATA"
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

VOLUME /var/lib/postgresql/data
EXPOSE 5432
# Smart shutdown on SIGTERM waits for clients; SIGINT is PostgreSQL's "fast" shutdown.
STOPSIGNAL SIGINT
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
