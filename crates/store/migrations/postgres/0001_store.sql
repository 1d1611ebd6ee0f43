-- The store of evaluation cycles (issue 12, items 7 and 8), PostgreSQL.
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
    results BYTEA NOT NULL,
    results_hash TEXT NOT NULL,
    trace BYTEA NOT NULL,
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
    content BYTEA NOT NULL
);

-- Mutable records with optimistic versions (e.g. an evaluator's recommendation texts).
CREATE TABLE texts (
    key TEXT PRIMARY KEY,
    version BIGINT NOT NULL,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

CREATE FUNCTION bagalau_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'таблица % только дополняется: % запрещено', TG_TABLE_NAME, TG_OP;
END
$$;

CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER runs_append_only BEFORE UPDATE OR DELETE ON runs
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER runs_no_truncate BEFORE TRUNCATE ON runs
    FOR EACH STATEMENT EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER blobs_append_only BEFORE UPDATE OR DELETE ON blobs
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER blobs_no_truncate BEFORE TRUNCATE ON blobs
    FOR EACH STATEMENT EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER cycles_no_delete BEFORE DELETE ON cycles
    FOR EACH ROW EXECUTE FUNCTION bagalau_refuse_change();
CREATE TRIGGER cycles_no_truncate BEFORE TRUNCATE ON cycles
    FOR EACH STATEMENT EXECUTE FUNCTION bagalau_refuse_change();
