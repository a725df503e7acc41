//! The PostgreSQL schema, as numbered migrations embedded in the binary.
//!
//! `connect` applies the ones a database has not seen yet, in order, each in its own transaction,
//! under a session advisory lock so that replicas starting together do not race; `schema_migrations`
//! records what ran. A migration, once released, is never edited: a change is a new entry.
//!
//! Layout: one table per aggregate, keyed by the identifying columns, with the record as the same
//! JSON (or, for events, the same binary layout) that the sled backend stores, plus the columns that
//! queries filter or order on. Text keys use the "C" collation so that "key order" is byte order, as
//! in sled. Where a record and a column could disagree, the column wins (a job's due time and lease).

/// Key of the advisory lock held while migrating (any constant unique to this program).
pub(super) const MIGRATION_LOCK: i64 = 0x7a72_6d69_6772_0001;

/// The migrations, version `i + 1` at index `i`.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the initial schema.
    r#"
CREATE SEQUENCE event_seq;
CREATE SEQUENCE job_id;
CREATE SEQUENCE notice_id;

CREATE TABLE events (
    seq            BIGINT PRIMARY KEY,
    received_at_ms BIGINT NOT NULL,
    app_id         TEXT COLLATE "C" NOT NULL,
    account_id     TEXT COLLATE "C",
    pending        BOOLEAN NOT NULL,
    record         BYTEA NOT NULL
);
CREATE INDEX events_inbox ON events (seq) WHERE pending;
CREATE INDEX events_received ON events (received_at_ms);
CREATE INDEX events_tenant ON events (app_id, account_id);

CREATE TABLE dedup (
    key            BYTEA PRIMARY KEY,
    seq            BIGINT NOT NULL,
    received_at_ms BIGINT NOT NULL
);
CREATE INDEX dedup_received ON dedup (received_at_ms);

CREATE TABLE idem (
    key       TEXT COLLATE "C" PRIMARY KEY,
    job_id    BIGINT NOT NULL,
    event_seq BIGINT NOT NULL
);
CREATE INDEX idem_event ON idem (event_seq);

CREATE TABLE jobs (
    id               BIGINT PRIMARY KEY,
    channel          SMALLINT NOT NULL,
    dest             TEXT COLLATE "C" NOT NULL,
    due_at_ms        BIGINT NOT NULL,
    claimed_until_ms BIGINT,
    app_id           TEXT COLLATE "C" NOT NULL,
    account_id       TEXT COLLATE "C" NOT NULL,
    record           BYTEA NOT NULL
);
CREATE INDEX jobs_due ON jobs (channel, due_at_ms, id);
CREATE INDEX jobs_dest ON jobs (dest, id);
CREATE INDEX jobs_tenant ON jobs (app_id, account_id);

CREATE TABLE attempts (
    job_id  BIGINT NOT NULL,
    attempt INTEGER NOT NULL,
    record  BYTEA NOT NULL,
    PRIMARY KEY (job_id, attempt)
);

CREATE TABLE dead_jobs (
    id         BIGINT PRIMARY KEY,
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL
);

CREATE TABLE sent_jobs (
    id         BIGINT PRIMARY KEY,
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    sent_at_ms BIGINT NOT NULL,
    record     BYTEA NOT NULL
);
CREATE INDEX sent_jobs_at ON sent_jobs (sent_at_ms);

CREATE TABLE routes (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id, name)
);

CREATE TABLE templates (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    name       TEXT COLLATE "C" NOT NULL,
    source     TEXT NOT NULL,
    PRIMARY KEY (app_id, account_id, name)
);

CREATE TABLE tenants (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id)
);

CREATE TABLE audit (
    id     BIGSERIAL PRIMARY KEY,
    at_ms  BIGINT NOT NULL,
    record BYTEA NOT NULL
);

CREATE TABLE sessions (
    key           BYTEA PRIMARY KEY,
    app_id        TEXT COLLATE "C",
    account_id    TEXT COLLATE "C",
    expires_at_ms BIGINT NOT NULL,
    record        BYTEA NOT NULL
);

CREATE TABLE api_tokens (
    key           BYTEA PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL,
    app_id        TEXT COLLATE "C" NOT NULL,
    account_id    TEXT COLLATE "C" NOT NULL,
    created_at_ms BIGINT NOT NULL,
    record        BYTEA NOT NULL
);

CREATE TABLE bot_codes (
    hash          BYTEA PRIMARY KEY,
    id            TEXT COLLATE "C" NOT NULL,
    app_id        TEXT COLLATE "C" NOT NULL,
    account_id    TEXT COLLATE "C" NOT NULL,
    created_at_ms BIGINT NOT NULL,
    record        BYTEA NOT NULL
);

CREATE TABLE bot_chats (
    chat_id    BIGINT PRIMARY KEY,
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL
);

CREATE TABLE bot_organizers (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    user_id    BIGINT NOT NULL,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id, user_id)
);
CREATE INDEX bot_organizers_user ON bot_organizers (user_id);

CREATE TABLE bot_mutes (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    chat_id    BIGINT NOT NULL,
    until_ms   BIGINT NOT NULL,
    PRIMARY KEY (app_id, account_id, chat_id)
);
CREATE INDEX bot_mutes_chat ON bot_mutes (chat_id);

CREATE TABLE bot_state (
    key   TEXT COLLATE "C" PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE telegram_pacing (
    chat_id BIGINT PRIMARY KEY,
    record  BYTEA NOT NULL
);

CREATE TABLE telegram_parts (
    job_id BIGINT PRIMARY KEY,
    record BYTEA NOT NULL
);

CREATE TABLE telegram_migrations (
    old_chat BIGINT PRIMARY KEY,
    new_chat BIGINT NOT NULL
);

CREATE TABLE meetings (
    app_id        TEXT COLLATE "C" NOT NULL,
    account_id    TEXT COLLATE "C" NOT NULL,
    meeting_id    BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    record        BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id, meeting_id)
);

CREATE TABLE meeting_ended (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    uuid       TEXT COLLATE "C" NOT NULL,
    at_ms      BIGINT NOT NULL,
    PRIMARY KEY (app_id, account_id, uuid)
);

CREATE TABLE notices (
    id         BIGINT PRIMARY KEY,
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL
);
CREATE INDEX notices_tenant ON notices (app_id, account_id);

CREATE TABLE disabled_targets (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    target     TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id, target)
);
"#,
    // 2: Telegram pacing keyed by bot, with a row per bot for the overall window, so that every
    // replica takes its send slots from one shared budget under row locks. The old per-chat rows
    // held at most a minute of send times and are not carried over.
    r#"
DROP TABLE telegram_pacing;

CREATE TABLE telegram_pace_bots (
    bot_id BIGINT PRIMARY KEY,
    record BYTEA NOT NULL
);

CREATE TABLE telegram_pace_chats (
    bot_id  BIGINT NOT NULL,
    chat_id BIGINT NOT NULL,
    record  BYTEA NOT NULL,
    PRIMARY KEY (bot_id, chat_id)
);
"#,
    // 3: email double opt-in, one row per route and address (store::consents).
    r#"
CREATE TABLE email_consents (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    route      TEXT COLLATE "C" NOT NULL,
    address    TEXT COLLATE "C" NOT NULL,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id, route, address)
);
"#,
    // 4: Zoom apps added at run time, and invitations to add one (store::apps). The revision is a
    // column so that a compare-and-swap is one conditional UPDATE.
    r#"
CREATE TABLE apps (
    id       TEXT COLLATE "C" PRIMARY KEY,
    revision BIGINT NOT NULL,
    record   BYTEA NOT NULL
);

CREATE TABLE app_invites (
    hash   BYTEA PRIMARY KEY,
    record BYTEA NOT NULL
);
"#,
    // 5: communities' own Telegram bots, one per tenant, the token sealed in the record
    // (store::own_bots).
    r#"
CREATE TABLE own_bots (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    bot_id     BIGINT NOT NULL UNIQUE,
    record     BYTEA NOT NULL,
    PRIMARY KEY (app_id, account_id)
);
"#,
    // 6: the bot language each Telegram user chose with /language (store::languages). No tenant
    // columns: the choice belongs to the person, in every community.
    r#"
CREATE TABLE bot_languages (
    user_id BIGINT PRIMARY KEY,
    lang    TEXT COLLATE "C" NOT NULL
);
"#,
    // 7: the names Telegram gave the members of a tenant's routes (store::member_names), so the
    // console names them; per tenant, so the purge removes them.
    r#"
CREATE TABLE member_names (
    app_id     TEXT COLLATE "C" NOT NULL,
    account_id TEXT COLLATE "C" NOT NULL,
    user_id    BIGINT NOT NULL,
    name       TEXT NOT NULL,
    PRIMARY KEY (app_id, account_id, user_id)
);
"#,
    // 8: a dispatcher's claim on an inbox event (queue.rs, `claim_inbox`), so that the dispatchers
    // of several replicas take different events instead of all rendering the same ones: until when,
    // and the server process of the connection that claimed it (a claim ends with its connection).
    // Jobs get the same owner column, so a killed replica's leased jobs are free at once too.
    r#"
ALTER TABLE events ADD COLUMN claimed_until_ms BIGINT;
ALTER TABLE events ADD COLUMN claimed_by INTEGER;
ALTER TABLE jobs ADD COLUMN claimed_by INTEGER;
"#,
];

/// Every table the relay owns, for diagnostics (`key_counts`, `trees_containing`), each with an
/// expression naming a row and one holding its searchable bytes.
pub(super) const TABLES: &[(&str, &str, &str)] = &[
    (
        "events",
        "seq::text",
        "convert_to(app_id || ' ' || coalesce(account_id, ''), 'UTF8') || record",
    ),
    ("dedup", "encode(key, 'hex')", "key"),
    ("idem", "key", "convert_to(key, 'UTF8')"),
    (
        "jobs",
        "id::text",
        "convert_to(dest || ' ' || app_id || ' ' || account_id, 'UTF8') || record",
    ),
    ("attempts", "job_id || '/' || attempt", "record"),
    (
        "dead_jobs",
        "id::text",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "sent_jobs",
        "id::text",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "routes",
        "app_id || '/' || account_id || '/' || name",
        "convert_to(app_id || ' ' || account_id || ' ' || name, 'UTF8') || record",
    ),
    (
        "templates",
        "app_id || '/' || account_id || '/' || name",
        "convert_to(app_id || ' ' || account_id || ' ' || name || ' ' || source, 'UTF8')",
    ),
    (
        "tenants",
        "app_id || '/' || account_id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    ("audit", "id::text", "record"),
    (
        "sessions",
        "encode(key, 'hex')",
        "convert_to(coalesce(app_id, '') || ' ' || coalesce(account_id, ''), 'UTF8') || record",
    ),
    (
        "api_tokens",
        "id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "bot_codes",
        "id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "bot_chats",
        "chat_id::text",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "bot_organizers",
        "app_id || '/' || account_id || '/' || user_id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "bot_mutes",
        "app_id || '/' || account_id || '/' || chat_id",
        "convert_to(app_id || ' ' || account_id, 'UTF8')",
    ),
    (
        "bot_state",
        "key",
        "convert_to(key || ' ' || value, 'UTF8')",
    ),
    ("telegram_pace_bots", "bot_id::text", "record"),
    ("telegram_pace_chats", "bot_id || '/' || chat_id", "record"),
    ("telegram_parts", "job_id::text", "record"),
    (
        "telegram_migrations",
        "old_chat::text",
        "convert_to(old_chat || ' ' || new_chat, 'UTF8')",
    ),
    (
        "meetings",
        "app_id || '/' || account_id || '/' || meeting_id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "meeting_ended",
        "app_id || '/' || account_id || '/' || uuid",
        "convert_to(app_id || ' ' || account_id || ' ' || uuid, 'UTF8')",
    ),
    (
        "notices",
        "id::text",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "disabled_targets",
        "app_id || '/' || account_id || '/' || target",
        "convert_to(app_id || ' ' || account_id || ' ' || target, 'UTF8') || record",
    ),
    (
        "email_consents",
        "app_id || '/' || account_id || '/' || route || '/' || address",
        "convert_to(app_id || ' ' || account_id || ' ' || route || ' ' || address, 'UTF8') || record",
    ),
    ("apps", "id", "convert_to(id, 'UTF8') || record"),
    ("app_invites", "encode(hash, 'hex')", "record"),
    (
        "own_bots",
        "app_id || '/' || account_id",
        "convert_to(app_id || ' ' || account_id, 'UTF8') || record",
    ),
    (
        "bot_languages",
        "user_id::text",
        "convert_to(user_id || ' ' || lang, 'UTF8')",
    ),
    (
        "member_names",
        "app_id || '/' || account_id || '/' || user_id",
        "convert_to(app_id || ' ' || account_id || ' ' || user_id || ' ' || name, 'UTF8')",
    ),
];
