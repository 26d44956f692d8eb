-- Preview URLs: one token per sandbox (created on its first exposePort) and its exposed ports.
create table sandbox_previews (
    sandbox_id text primary key references sandboxes (id) on delete cascade,
    token      text not null
);

create table sandbox_ports (
    sandbox_id text    not null references sandboxes (id) on delete cascade,
    port       integer not null,
    name       text,
    seq        integer not null,
    primary key (sandbox_id, port)
);
