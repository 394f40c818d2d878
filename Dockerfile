# syntax=docker/dockerfile:1
# Build stage: the same command as `make build`.
FROM golang:1.27 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOTOOLCHAIN=auto
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags "-s -w" -o sgul .

# Runtime: static binary, non-root, data in the /pb_data volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /src/sgul /usr/local/bin/sgul
USER nonroot:nonroot
VOLUME ["/pb_data"]
EXPOSE 8090
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/sgul", "healthcheck", "--url", "http://127.0.0.1:8090/api/health"]
ENTRYPOINT ["/usr/local/bin/sgul"]
CMD ["serve", "--dir", "/pb_data", "--http", "0.0.0.0:8090"]
