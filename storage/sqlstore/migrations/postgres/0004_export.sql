-- Export runs: what went out to the analysis database or a file, and when.
CREATE TABLE export_runs (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    target     TEXT NOT NULL,          -- analysis database or file, without secrets
    format     TEXT NOT NULL,          -- postgres, csv, xlsx
    user_name  TEXT NOT NULL DEFAULT '', -- '' for the automatic export
    returns    INTEGER NOT NULL,       -- returns considered
    written    INTEGER NOT NULL,       -- inserted or replaced
    unchanged  INTEGER NOT NULL,
    removed    INTEGER NOT NULL,       -- withdrawn (reopened since their export)
    documents  TEXT NOT NULL DEFAULT '' -- ids of the documents marked exported, comma-separated
);
CREATE INDEX export_runs_at ON export_runs (at);
