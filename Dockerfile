# syntax=docker/dockerfile:1
# For users with Docker: the same infra/build.sh as CI (release binaries with the static Swift stdlib), then a
# scratch image holding only the root that script assembles: one binary (wxpay-server, or one function), glibc +
# OpenSSL + libcurl (and what it loads) + libqrencode, CA certificates. No shell, no package manager, user 65532.
#
#   docker build -t wxpay-server:0.1.0 .                                         # the HTTP server (default)
#   docker build --build-arg FUNCTION=webhook -t wxpay-webhook:0.1.0 .          # one function: CLI, Lambda image
#   docker build --target openfaas -t wxpay-server-openfaas:0.1.0 .             # wxpay-server behind of-watchdog
#
# Serve HTTP on 8080:   docker run -p 8080:8080 -v $PWD/secrets.json:/run/secrets/wxpay.json:ro wxpay-server:0.1.0
#                       (POST /webhook, GET /healthz, GET /metrics; --routes or WXPAY_SERVER_ROUTES for more)
# One event through a function:  docker run -i wxpay-webhook:0.1.0 < event.json
# The build stage must be Debian 12 (bookworm) based: the image carries that stage's glibc, OpenSSL and libcurl.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG FUNCTION=wxpay-server
ARG WATCHDOG_IMAGE=ghcr.io/openfaas/of-watchdog:0.10.7

FROM ${SWIFT_IMAGE} AS build
ARG FUNCTION
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl-dev libcurl4-openssl-dev libsqlite3-dev libhiredis-dev libqrencode-dev zlib1g-dev ca-certificates binutils patchelf zip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN infra/build.sh rootfs "$FUNCTION"

FROM scratch AS base
ARG FUNCTION
COPY --from=build /src/out/image/${FUNCTION}/rootfs/ /
ENV PORT=8080 \
    WXPAY_SERVER_HOST=0.0.0.0 \
    WXPAY_SECRETS_FILE=/run/secrets/wxpay.json
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080

FROM ${WATCHDOG_IMAGE} AS watchdog

# OpenFaaS of-watchdog in HTTP mode: it starts wxpay-server (fprocess) on 127.0.0.1:8081 and proxies :8080 to it,
# so the warm server answers every request (see infra/openfaas/stack.yml). Build with the default FUNCTION.
FROM base AS openfaas
COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog
ENV fprocess="/usr/local/bin/wxpay-server" \
    mode=http \
    upstream_url=http://127.0.0.1:8081 \
    WXPAY_SERVER_HOST=127.0.0.1 \
    WXPAY_SERVER_PORT=8081
ENTRYPOINT ["/usr/bin/fwatchdog"]

# The default target (last stage): wxpay-server on $PORT (Knative, Cloud Run), or the function named by FUNCTION
# (CLI; with AWS_LAMBDA_RUNTIME_API set, the Lambda Runtime API loop).
FROM base AS runtime
ENTRYPOINT ["/usr/local/bin/entrypoint"]
