-- Several engines on one database. Each running engine holds a lease row that it renews (its
-- heartbeat); a run being executed names its owner. A run whose owner's lease expired (or whose
-- owner, on this host, is no longer a live process) is taken over by another engine.
-- pinned_to: a run that only its submitting engine may start (the CLI's one-shot commands).
create table engine_leases (
    id           text    primary key,
    host         text    not null,
    pid          integer not null,
    worker       integer not null,
    started_at   integer not null,
    heartbeat_at integer not null,
    lease_ms     integer not null
);

alter table runs add column owner text;
alter table runs add column pinned_to text;
create index runs_owner on runs (state, owner);

-- One row per cluster-wide critical section (claims that check workflow limits across engines).
create table engine_locks (
    name text primary key
);
insert into engine_locks (name) values ('dispatch');
