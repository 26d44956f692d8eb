-- One engine id per database (the SQLite V21 of the architecture work moves 0.1 databases' two
-- ids into one). No 0.1 database ever ran on PostgreSQL: a new database starts with one id, so
-- there is nothing to move. Kept so that both dialects share version numbers.
select 1;
