# Stand-in for the official python:3.11-slim-bookworm, for CI machines that cannot pull
# images. tools/containers/base-images.sh prepares the build context: usr/local/ holds the
# machine's own CPython 3.11 (stdlib and pip only, no tests, caches or site-packages) laid out
# like the official image, and ci-ca-bundle.crt is the machine's CA bundle.
ARG BASE_IMAGE=todo-base/debian:bookworm
FROM ${BASE_IMAGE}

LABEL org.opencontainers.image.title="python 3.11 slim (bookworm) stand-in" \
      org.opencontainers.image.description="stand-in for CI, not for release"

ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8

# The shared libraries the interpreter and its extension modules link against, plus the
# runtime files the official image carries (CA certificates, netbase, tzdata).
# Build-time only (an ARG, not an ENV): no debconf prompts.
ARG DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      ca-certificates netbase tzdata \
      libssl3 libffi8 libsqlite3-0 libbz2-1.0 liblzma5 zlib1g libreadline8 libncursesw6 \
      libtinfo6 libuuid1 libexpat1 libnsl2 libtirpc3 libcrypt1 libgdbm6 \
 && rm -rf /var/lib/apt/lists/*

COPY usr/local/ /usr/local/

# CI only: trust the CA bundle of the machine that built this image, so that pip, uv and
# Python's ssl reach the package registries through its network. Images for users never do this.
COPY ci-ca-bundle.crt /etc/ssl/todo-base/ci-ca-bundle.crt
ENV SSL_CERT_FILE=/etc/ssl/todo-base/ci-ca-bundle.crt \
    PIP_CERT=/etc/ssl/todo-base/ci-ca-bundle.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/todo-base/ci-ca-bundle.crt

ARG PYTHON_VERSION
ENV PYTHON_VERSION=${PYTHON_VERSION}

# Fail the build if any binary under /usr/local misses a shared library.
RUN ldconfig \
 && missing="$(find /usr/local -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -exec ldd {} + 2>/dev/null | grep 'not found' | sort -u || true)" \
 && if [ -n "$missing" ]; then echo "missing shared libraries:"; echo "$missing"; exit 1; fi \
 && PYTHONDONTWRITEBYTECODE=1 python3 --version \
 && PYTHONDONTWRITEBYTECODE=1 pip --version

CMD ["python3"]
