# MinIO and its client built from source at the versions the native stack pins (scripts/stack/common.sh), so Docker
# mode runs the very server the tests run. MinIO stopped publishing community images and binaries in 2025; building
# the pinned, patched release from source is the supported way to get one.
ARG GO_VERSION=1.26
FROM golang:${GO_VERSION}-bookworm AS build
ARG MINIO_VERSION
ARG MC_VERSION
ENV CGO_ENABLED=0 GOFLAGS=-trimpath
RUN go install "github.com/minio/minio@${MINIO_VERSION}" && go install "github.com/minio/mc@${MC_VERSION}"

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 1000 --home-dir /data minio && mkdir -p /data && chown minio /data
COPY --from=build /go/bin/minio /go/bin/mc /usr/local/bin/
USER minio
EXPOSE 9000 9001
HEALTHCHECK --interval=5s --timeout=3s --retries=30 CMD curl -fsS http://127.0.0.1:9000/minio/health/ready || exit 1
ENTRYPOINT ["minio"]
CMD ["server", "/data", "--address", ":9000", "--console-address", ":9001"]
