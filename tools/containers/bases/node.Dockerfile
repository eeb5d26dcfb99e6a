# Stand-in for the official node:20-bookworm-slim, for CI machines that cannot pull images.
# tools/containers/base-images.sh prepares the build context: usr/local/ holds the machine's own
# Node.js 20 binary with npm and corepack laid out like the official image, and
# ci-ca-bundle.crt is the machine's CA bundle.
ARG BASE_IMAGE=todo-base/debian:bookworm
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="node 20 slim (bookworm) stand-in" \
      org.opencontainers.image.description="stand-in for CI, not for release"

# Like the official image: an unprivileged `node` user with UID/GID 1000.
RUN groupadd --gid 1000 node \
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node

COPY usr/local/ /usr/local/

# CI only: Node's own CA store plus the CA bundle of the machine that built this image, so
# that npm reaches the registry through its network. Images for users never do this.
COPY ci-ca-bundle.crt /etc/ssl/todo-base/ci-ca-bundle.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/todo-base/ci-ca-bundle.crt

ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION}

RUN missing="$(ldd /usr/local/bin/node | grep 'not found' || true)" \
 && if [ -n "$missing" ]; then echo "missing shared libraries:"; echo "$missing"; exit 1; fi \
 && node --version && npm --version

ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
