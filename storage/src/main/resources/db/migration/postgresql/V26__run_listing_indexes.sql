-- The dashboard's views over many runs (the same changes as SQLite's V26 of the dashboard work):
-- the runs of a state newest first (keyset paging on seq), a label's runs in seq order from one
-- index (run_labels carries its run's seq), counts and a histogram of runs by creation time.
-- Until the dashboard's code is merged, run_seq is left null and unused.
create index runs_state_seq on runs (state, seq);
create index runs_created on runs (created_at, state);

alter table run_labels add column run_seq bigint;
update run_labels set run_seq = (select seq from runs where runs.id = run_labels.run_id);
drop index run_labels_by_value;
create index run_labels_by_value_seq on run_labels (name, value, run_seq);
