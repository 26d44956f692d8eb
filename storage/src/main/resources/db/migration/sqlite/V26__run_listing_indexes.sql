-- Listing many runs newest first, a page at a time (keyset paging on runs.seq), stays quick with
-- any filter: the runs of a state, of a label (run_labels carries its run's seq, so a label's
-- runs are read from one index in seq order, however rare or old the label), created in a time
-- window; counts and a histogram by creation time for the dashboard's overview.
create index runs_state_seq on runs (state, seq);
create index runs_created on runs (created_at, state);

alter table run_labels add column run_seq integer;
update run_labels set run_seq = (select seq from runs where runs.id = run_labels.run_id);
drop index run_labels_by_value;
create index run_labels_by_value_seq on run_labels (name, value, run_seq);
