# Build a static binary, then run it as an unprivileged user on a minimal base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/breachline/breachline/internal/app.Version=${VERSION}" \
      -o /out/breachline ./cmd/breachline \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/breachline /usr/local/bin/breachline
COPY --from=build --chown=nonroot:nonroot /out/data /var/lib/breachline
ENV BREACHLINE_LISTEN=0.0.0.0:8080 \
    BREACHLINE_DATA_DIR=/var/lib/breachline
USER nonroot:nonroot
EXPOSE 8080
VOLUME ["/var/lib/breachline"]
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/breachline"]
CMD ["serve"]
