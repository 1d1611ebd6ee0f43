-- The store of evaluation cycles (issue 12, items 7 and 8), SQLite.
-- Events, the audit log, runs and blobs are append-only: triggers refuse UPDATE and DELETE.

-- The single row every writing transaction updates first: it serialises writers and holds the
-- tip of the audit chain (so that deleting the last audit row is detected too).
CREATE TABLE store_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    writes BIGINT NOT NULL,
    audit_seq BIGINT NOT NULL,
    audit_hash TEXT NOT NULL
);
INSERT INTO store_head (id, writes, audit_seq, audit_hash)
VALUES (1, 0, 0, 'sha256:0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE cycles (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE audit (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    cycle_id TEXT,
    event_seq BIGINT,
    who TEXT NOT NULL,
    what TEXT NOT NULL,
    details TEXT NOT NULL,
    why TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE events (
    cycle_id TEXT NOT NULL REFERENCES cycles (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    audit_seq BIGINT NOT NULL,
    PRIMARY KEY (cycle_id, seq)
);

CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    cycle_id TEXT NOT NULL REFERENCES cycles (id),
    number BIGINT NOT NULL,
    edition_id TEXT NOT NULL,
    edition_hash TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    results BLOB NOT NULL,
    results_hash TEXT NOT NULL,
    trace BLOB NOT NULL,
    trace_hash TEXT NOT NULL,
    previous TEXT REFERENCES runs (id),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    audit_seq BIGINT NOT NULL,
    UNIQUE (cycle_id, number)
);

CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    content BLOB NOT NULL
);

-- Mutable records with optimistic versions (e.g. an evaluator's recommendation texts).
CREATE TABLE texts (
    key TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'журнал аудита только дополняется: изменение записи запрещено'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'журнал аудита только дополняется: удаление записи запрещено'); END;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'события цикла только дополняются: изменение запрещено'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'события цикла только дополняются: удаление запрещено'); END;
CREATE TRIGGER runs_no_update BEFORE UPDATE ON runs
BEGIN SELECT RAISE(ABORT, 'расчёты неизменяемы: изменение запрещено'); END;
CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs
BEGIN SELECT RAISE(ABORT, 'расчёты неизменяемы: удаление запрещено'); END;
CREATE TRIGGER blobs_no_update BEFORE UPDATE ON blobs
BEGIN SELECT RAISE(ABORT, 'файлы хранятся по хешу содержимого: изменение запрещено'); END;
CREATE TRIGGER blobs_no_delete BEFORE DELETE ON blobs
BEGIN SELECT RAISE(ABORT, 'файлы хранятся по хешу содержимого: удаление запрещено'); END;
CREATE TRIGGER cycles_no_delete BEFORE DELETE ON cycles
BEGIN SELECT RAISE(ABORT, 'циклы не удаляются'); END;
