# Shortcuts; the scripts are the source of truth (a fresh Debian machine may lack make).
.PHONY: run test build bench fuzz

run:
	scripts/run.sh

test:
	scripts/test.sh

build:
	go build -o bin/papergate ./cmd/papergate

# Benchmarks print what users care about: pages per second and peak memory of
# ingest+split, field accuracy and pages per minute of recognition, keystrokes and
# server time of review, returns per second of export.
bench:
	OMP_THREAD_LIMIT=1 go test -run '^$$' -bench . -benchtime 1x -timeout 60m ./cmd/papergate ./ocr ./storage/...

fuzz:
	go test ./ocr/split -run '^$$' -fuzz FuzzSplit -fuzztime 60s -fuzzminimizetime 1s
