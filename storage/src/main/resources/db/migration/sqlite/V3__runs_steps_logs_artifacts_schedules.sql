-- Durable jobs: runs, their steps, step logs, artifacts and schedules' metadata.
-- Times are epoch milliseconds (portable integers). Failures are stored as data, never as
-- serialized exceptions. "version" guards the rows where two writers can meet.
create table runs (
    seq                integer primary key autoincrement,
    id                 text    not null unique,
    workflow           text    not null,
    state              text    not null,
    priority           integer not null default 0,
    parameters         text    not null,
    sandbox_spec       text,
    labels             text    not null,
    idempotency_key    text    unique,
    schedule_id        text,
    timeout_ms         integer,
    max_attempts       integer not null,
    backoff_initial_ms integer not null,
    backoff_max_ms     integer not null,
    backoff_multiplier real    not null,
    backoff_jitter     real    not null,
    retry_failed_results integer not null default 0,
    attempt            integer not null default 0,
    not_before         integer,
    awaiting_trigger   integer not null default 0,
    cancel_requested   integer not null default 0,
    sandbox_id         text,
    result             text,
    failure_type       text,
    failure_message    text,
    failure_stack      text,
    failure_retryable  integer,
    created_at         integer not null,
    started_at         integer,
    finished_at        integer,
    version            integer not null default 0
);
create index runs_dispatch on runs (state, awaiting_trigger, priority desc, seq);
create index runs_workflow on runs (workflow, seq);
create index runs_finished on runs (finished_at);

create table run_labels (
    run_id text not null references runs (id) on delete cascade,
    name   text not null,
    value  text not null,
    primary key (run_id, name)
);
create index run_labels_by_value on run_labels (name, value);

create table steps (
    run_id            text    not null references runs (id) on delete cascade,
    idx               integer not null,
    name              text    not null,
    state             text    not null,
    attempt           integer not null default 0,
    started_at        integer,
    finished_at       integer,
    result            text,
    failure_type      text,
    failure_message   text,
    failure_stack     text,
    failure_retryable integer,
    version           integer not null default 0,
    primary key (run_id, idx)
);

create table step_logs (
    seq      integer primary key autoincrement,
    run_id   text    not null references runs (id) on delete cascade,
    step_idx integer not null,
    stream   text    not null,
    at       integer not null,
    line     text    not null
);
create index step_logs_by_run on step_logs (run_id, seq);

create table artifacts (
    run_id     text    not null references runs (id) on delete cascade,
    name       text    not null,
    step_idx   integer not null,
    size       integer not null,
    content    blob    not null,
    created_at integer not null,
    primary key (run_id, name)
);

create table schedules (
    id             text    primary key,
    workflow       text    not null,
    cron           text    not null,
    time_zone      text    not null,
    misfire_policy text    not null,
    request        text    not null,
    paused         integer not null default 0,
    created_at     integer not null,
    version        integer not null default 0
);
