# syntax=docker/dockerfile:1
# Builder: Go with the Tesseract/Leptonica headers that gosseract (cgo) compiles against.
FROM golang:1.26-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libtesseract-dev libleptonica-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/papergate ./cmd/papergate

# Runtime: Tesseract 5 with chi_sim, poppler's pdftoppm; no compilers; a non-root user.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng poppler-utils ca-certificates tzdata curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/papergate --create-home papergate
COPY --from=build /out/papergate /usr/local/bin/papergate
USER papergate
WORKDIR /var/lib/papergate
ENV PAPERGATE_DATA=/var/lib/papergate/data \
    PAPERGATE_ADDR=0.0.0.0:8080 \
    PAPERGATE_LOG_FORMAT=json \
    OMP_THREAD_LIMIT=1
VOLUME ["/var/lib/papergate/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8080/readyz >/dev/null || exit 1
ENTRYPOINT ["papergate"]
CMD ["serve"]
