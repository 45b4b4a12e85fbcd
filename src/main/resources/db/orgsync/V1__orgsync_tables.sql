-- orgsync's tables (see docs/operations.md): the state change detection compares with, and the
-- jdbc sink's output. ${text}, ${timestamp} and ${table_options} are filled in per database by
-- SqlDialect, so this one script serves H2, PostgreSQL and MariaDB/MySQL.
--
-- Timestamps are UTC. Ids are at most 255 characters so that every key fits MariaDB's 3072-byte
-- index limit in utf8mb4; MariaDB/MySQL compare them with a binary collation, as the vendors do.
-- record_json is the canonical record exactly as published; the other columns are a projection
-- of it for SQL readers. content_hash is the SHA-256 of record_json.
-- Databases record this script's checksum, so an edit must keep it (the tag k3xLyz does).

CREATE TABLE orgsync_department (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    id            VARCHAR(255) NOT NULL,
    parent_id     VARCHAR(255),
    name          ${text},
    type          VARCHAR(16),
    sort_order    BIGINT,
    path          ${text}      NOT NULL,
    attributes    ${text}      NOT NULL,
    record_json   ${text}      NOT NULL,
    content_hash  CHAR(64)     NOT NULL,
    last_run_id   VARCHAR(64)  NOT NULL,
    updated_at    ${timestamp} NOT NULL,
    deleted_at    ${timestamp},
    PRIMARY KEY (source, tenant, id)
)${table_options};

CREATE TABLE orgsync_member (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    id            VARCHAR(255) NOT NULL,
    name          ${text},
    role          VARCHAR(16),
    mobile        ${text},
    email         ${text},
    status        VARCHAR(16),
    attributes    ${text}      NOT NULL,
    record_json   ${text}      NOT NULL,
    content_hash  CHAR(64)     NOT NULL,
    last_run_id   VARCHAR(64)  NOT NULL,
    updated_at    ${timestamp} NOT NULL,
    deleted_at    ${timestamp},
    PRIMARY KEY (source, tenant, id)
)${table_options};

-- Only live members have rows here: a member's departments and relations go when it is deleted
-- and come back with it, so joins need no deleted_at filter.
CREATE TABLE orgsync_member_department (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    member_id     VARCHAR(255) NOT NULL,
    department_id VARCHAR(255) NOT NULL,
    PRIMARY KEY (source, tenant, member_id, department_id)
)${table_options};

-- department_id first: an index starting (source, tenant) like the key's would look as good as
-- the key to a planner without statistics yet, which then scanned a whole tenant per member when
-- deleting one member's rows right after a first load
CREATE INDEX orgsync_member_department_by_department
    ON orgsync_member_department (department_id, source, tenant);

CREATE TABLE orgsync_relation (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    member_id     VARCHAR(255) NOT NULL,
    related_id    VARCHAR(255) NOT NULL,
    role          VARCHAR(16),
    relation      ${text},
    PRIMARY KEY (source, tenant, member_id, related_id)
)${table_options};

-- One row per run, whatever its outcome; held runs carry the deletions they would have made.
CREATE TABLE orgsync_run (
    run_id            VARCHAR(64)  NOT NULL,
    source            VARCHAR(32)  NOT NULL,
    tenant            VARCHAR(64)  NOT NULL,
    started_at        ${timestamp},
    finished_at       ${timestamp},
    status            VARCHAR(16)  NOT NULL,
    departments       BIGINT       NOT NULL,
    members           BIGINT       NOT NULL,
    created           BIGINT       NOT NULL,
    updated           BIGINT       NOT NULL,
    deleted           BIGINT       NOT NULL,
    api_calls         BIGINT       NOT NULL,
    retries           BIGINT       NOT NULL,
    delivery_failures BIGINT       NOT NULL,
    error             ${text},
    PRIMARY KEY (run_id)
)${table_options};

CREATE INDEX orgsync_run_by_tenant ON orgsync_run (source, tenant, started_at);

-- The run the tables of a source and tenant currently show. Its row is locked while a run is
-- applied, so two processes syncing the same tenant cannot interleave.
CREATE TABLE orgsync_state (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    last_run_id   VARCHAR(64),
    updated_at    ${timestamp} NOT NULL,
    PRIMARY KEY (source, tenant)
)${table_options};
