-- Sandboxes of the sandbox SDK, their sessions and background processes (PostgreSQL: bigint for
-- epoch-millisecond times and counters). Secrets are never stored.
create table sandboxes (
    id               text primary key,
    container_id     text,
    image            text    not null,
    status           text    not null,
    env_json         text    not null,
    labels_json      text    not null,
    settings_json    text    not null,
    generation       bigint  not null default 0,
    created_at bigint not null,
    last_activity_at bigint not null
);

create table sandbox_sessions (
    sandbox_id text    not null references sandboxes (id) on delete cascade,
    id         text    not null,
    env_json   text    not null,
    cwd        text    not null,
    created_at bigint not null,
    primary key (sandbox_id, id)
);

create table sandbox_processes (
    sandbox_id text    not null references sandboxes (id) on delete cascade,
    id         text    not null,
    pid        integer not null,
    command    text    not null,
    session_id text    not null,
    generation bigint   not null,
    status     text    not null,
    exit_code  integer,
    started_at bigint not null,
    primary key (sandbox_id, id)
);
