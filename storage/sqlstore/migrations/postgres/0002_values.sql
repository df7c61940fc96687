-- Recognized and reviewed values, their audit log, page and document facts, review claims.
ALTER TABLE documents ADD COLUMN seal TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN doubt DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN claimed_until TIMESTAMPTZ;
ALTER TABLE documents ADD COLUMN verified_by TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN verified_at TIMESTAMPTZ;

ALTER TABLE pages ADD COLUMN form TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN part INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN rotation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pages ADD COLUMN blank BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pages ADD COLUMN note TEXT NOT NULL DEFAULT '';

CREATE TABLE field_values (
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    field_id    TEXT NOT NULL,
    value       TEXT,              -- JSON of the typed value; NULL for null
    recognized  TEXT,              -- JSON of what recognition read, kept as it was
    raw         TEXT NOT NULL DEFAULT '',
    issue       TEXT NOT NULL DEFAULT '',
    confidence  DOUBLE PRECISION NOT NULL DEFAULT 0,
    page        INTEGER NOT NULL DEFAULT 0,
    box_x0      INTEGER NOT NULL DEFAULT 0,
    box_y0      INTEGER NOT NULL DEFAULT 0,
    box_x1      INTEGER NOT NULL DEFAULT 0,
    box_y1      INTEGER NOT NULL DEFAULT 0,
    source      TEXT NOT NULL,     -- recognition or reviewer
    confirmed   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (document_id, field_id)
);

CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    document_id BIGINT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    field_id    TEXT NOT NULL DEFAULT '',   -- '' for a document-level entry
    at          TIMESTAMPTZ NOT NULL,
    user_name   TEXT NOT NULL DEFAULT '',   -- '' for recognition
    action      TEXT NOT NULL,              -- recognized, corrected, confirmed, verified, reopened, ...
    old_value   TEXT,
    new_value   TEXT,
    source      TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_doc ON audit_log (document_id, field_id, id);
