# syntax=docker/dockerfile:1
# oms-plan as a container image: plans mounted (or synced) at /plans, run as a non-root user.
#
#   docker build -t oms-plan:0.4.0 \
#     --build-arg OMS_PLAN_VERSION="$(cat VERSION)" \
#     --build-arg OMS_PLAN_COMMIT="$(git rev-parse --short HEAD)" .
#   docker run --rm -v "$PWD:/plans" oms-plan:0.4.0 validate plans/
#
# The build stage compiles with scripts/build-release-binary.sh, the script scripts/release.sh
# uses: Swift runtime and Foundation linked in, SQLite too when the static archive is there
# (libsqlite3-dev ships it). The run stage is plain Ubuntu with CA certificates and time zones.
# This file has not been built on the project's machines (they run no Docker engine); hadolint
# checks it in scripts/test.sh, and the binary it builds is checked by scripts/check-release.sh.

FROM swift:6.3-noble AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# Not pinned to package versions: the Ubuntu archive drops superseded versions, so a pin would
# break the build at the next security update. Pin the base image by digest for repeatable builds.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Version and commit: pass them as build arguments (the .git folder is not in the context).
ARG OMS_PLAN_VERSION=""
ARG OMS_PLAN_COMMIT="container"
RUN if [ -n "$OMS_PLAN_VERSION" ]; then \
        bash scripts/stamp-buildinfo.sh /src "${OMS_PLAN_VERSION#v}" "$OMS_PLAN_COMMIT"; \
    fi
RUN --mount=type=cache,target=/src/.build \
    OMS_PLAN_MANPAGE_TOOL=0 bash scripts/build-release-binary.sh /src/.build /out \
    && strip /out/oms-plan \
    && /out/oms-plan --version

FROM ubuntu:noble
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# ca-certificates: TLS to OMS and IAM; tzdata: bandwidth windows in named time zones.
# libsqlite3-0 only if the build stage could not link SQLite statically (see sqlite-linkage).
# hadolint ignore=DL3008
RUN --mount=type=bind,from=build,source=/out,target=/build-out \
    apt-get update \
    && packages=(ca-certificates tzdata) \
    && if [ "$(cat /build-out/sqlite-linkage)" = shared ]; then packages+=(libsqlite3-0); fi \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}" \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 oms-plan \
    && useradd --system --uid 10001 --gid oms-plan --home-dir /plans --no-create-home --shell /usr/sbin/nologin oms-plan \
    && install -d -o oms-plan -g oms-plan -m 0750 /plans
COPY --from=build /out/oms-plan /usr/local/bin/oms-plan
# Fails the image build if the binary cannot start here (a missing shared library).
RUN ["/usr/local/bin/oms-plan", "--version"]
USER 10001:10001
WORKDIR /plans
# reconcile --interval ... --metrics-port 9464 --metrics-address 0.0.0.0
EXPOSE 9464
LABEL org.opencontainers.image.title="oms-plan" \
      org.opencontainers.image.description="GitOps for Huawei Cloud OMS: migration tasks, task groups and bandwidth windows as YAML"
ENTRYPOINT ["/usr/local/bin/oms-plan"]
CMD ["--help"]
