#!/usr/bin/env bash
# setup.sh installs what papergate needs on a Debian machine when it is missing:
# Debian packages (Tesseract 5 with chi_sim, Leptonica headers for gosseract, poppler for
# pdftoppm, CJK fonts for the synthetic scan generator, Chromium for browser tests) and a
# MinIO server built with `go install` (MinIO has no Debian package).
#
#   scripts/setup.sh          # everything (tests)
#   scripts/setup.sh --run    # only what `papergate serve` needs on embedded defaults
set -euo pipefail

mode=${1:-all}
runtime_pkgs=(tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-eng libtesseract-dev libleptonica-dev
  poppler-utils pkg-config gcc)
test_pkgs=(chromium fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei)
pkgs=("${runtime_pkgs[@]}")
[ "$mode" = "--run" ] || pkgs+=("${test_pkgs[@]}")

# Go: go.mod names the version; a machine without it gets that toolchain from the Go
# module proxy (the same archive `go` itself downloads), unpacked to /usr/local/go.
GO_VERSION=$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$(dirname "$0")/../go.mod")
need_go=1
if command -v go >/dev/null 2>&1; then
  have=$(go env GOVERSION | sed 's/^go//')
  [ "$(printf '%s\n%s\n' "$GO_VERSION" "$have" | sort -V | head -1)" = "$GO_VERSION" ] && need_go=0
fi
if [ $need_go -eq 1 ]; then
  echo "setup: installing Go $GO_VERSION into /usr/local/go" >&2
  [ "$(id -u)" -eq 0 ] && S="" || S=sudo
  $S apt-get update -qq && DEBIAN_FRONTEND=noninteractive $S apt-get install -y -qq curl unzip ca-certificates >/dev/null
  arch=$(dpkg --print-architecture)
  tmp=$(mktemp -d)
  curl -fsSL -o "$tmp/go.zip" "https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go$GO_VERSION.linux-$arch.zip"
  unzip -q "$tmp/go.zip" -d "$tmp"
  $S rm -rf /usr/local/go && $S mv "$tmp/golang.org/toolchain@v0.0.1-go$GO_VERSION.linux-$arch" /usr/local/go
  $S chmod +x /usr/local/go/bin/* /usr/local/go/pkg/tool/*/* 2>/dev/null || true
  rm -rf "$tmp"
  export PATH=/usr/local/go/bin:$PATH
  echo "setup: Go installed; add /usr/local/go/bin to your PATH" >&2
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" != "--run" ]; then
  MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
  gobin=$(go env GOPATH)/bin
  if [ ! -x "$gobin/minio" ]; then
    echo "setup: building MinIO $MINIO_VERSION with go install (about 3 minutes the first time)" >&2
    go install "github.com/minio/minio@$MINIO_VERSION"
  fi
fi
echo "setup: ok" >&2
