# syntax=docker/dockerfile:1
# For users with Docker: the same infra/build.sh as CI (release binaries with the static Swift stdlib), then a
# scratch image holding only the root that script assembles: every function in infra/functions.txt, the HTTP front,
# glibc + OpenSSL + libcurl (and what it loads) + libqrencode, CA certificates. No shell, no package manager, user 65532.
#
# One image per function (FUNCTION = a name from infra/functions.txt):
#   docker build --build-arg FUNCTION=webhook -t wxpay-webhook:0.1.0 .                     # Knative, Cloud Run, Lambda
#   docker build --build-arg FUNCTION=webhook --target openfaas -t wxpay-webhook-openfaas:0.1.0 .  # + classic watchdog
#
# Serve HTTP on 8080:            docker run -p 8080:8080 -v $PWD/secrets.json:/run/secrets/wxpay.json:ro wxpay-webhook:0.1.0
# Run one event through it:      docker run -i --entrypoint /usr/local/bin/webhook ... wxpay-webhook:0.1.0 < event.json
# The build stage must be Debian 12 (bookworm) based: the image carries that stage's glibc, OpenSSL and libcurl.
ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG FUNCTION=webhook
ARG WATCHDOG_IMAGE=ghcr.io/openfaas/classic-watchdog:0.2.1

FROM ${SWIFT_IMAGE} AS build
ARG FUNCTION
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libssl-dev libcurl4-openssl-dev libqrencode-dev ca-certificates binutils patchelf zip \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN infra/build.sh rootfs "$FUNCTION"

FROM scratch AS base
ARG FUNCTION
COPY --from=build /src/out/image/${FUNCTION}/rootfs/ /
ENV FUNCTION_BINARY=${FUNCTION} \
    PORT=8080 \
    WXPAY_SECRETS_FILE=/run/secrets/wxpay.json
USER 65532:65532
WORKDIR /tmp
EXPOSE 8080

FROM ${WATCHDOG_IMAGE} AS watchdog

# OpenFaaS classic watchdog: fprocess (see infra/openfaas/stack.yml) is `wxpay-http-front --cgi --function NAME`.
FROM base AS openfaas
COPY --from=watchdog /fwatchdog /usr/bin/fwatchdog
ENV fprocess="/usr/local/bin/wxpay-http-front --cgi" \
    combine_output=false
ENTRYPOINT ["/usr/bin/fwatchdog"]

# The default target (last stage): Knative / Cloud Run run the front on $PORT; on Lambda (AWS_LAMBDA_RUNTIME_API
# set) the front execs the function, which runs the Runtime API loop.
FROM base AS runtime
ENTRYPOINT ["/usr/local/bin/wxpay-http-front"]
