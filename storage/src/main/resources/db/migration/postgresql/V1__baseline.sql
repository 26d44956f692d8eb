-- Baseline: the engine's own bookkeeping. Later migrations add features; never edit an applied one.
create table engine_info (
    name  text primary key,
    value text not null
);
insert into engine_info (name, value) values ('schema', 'sandbox-jobs');
