-- The compact state: what change detection needs of a tenant's last successful run when
-- orgsync.sinks does not list jdbc, so nobody reads the tables above. The run's canonical lines
-- (departments, then members by id), gzip-compressed and cut into pieces of at most 256 KiB in
-- seq order. Writing a few dozen rows instead of several per member is what lets a first run of
-- 100,000 members commit in milliseconds rather than seconds on embedded H2.
--
-- run_id names the run the pieces hold. They are the state only while it equals
-- orgsync_state.last_run_id; a run applied to the tables removes them.
CREATE TABLE orgsync_compact_state (
    source        VARCHAR(32)  NOT NULL,
    tenant        VARCHAR(64)  NOT NULL,
    seq           INT          NOT NULL,
    run_id        VARCHAR(64)  NOT NULL,
    data          ${bytes}     NOT NULL,
    PRIMARY KEY (source, tenant, seq)
)${table_options};
