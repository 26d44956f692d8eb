-- One engine id per database. 0.1 wrote two into engine_info: 'engine_id' (the sandbox engine's,
-- on every container's dev.sandboxjobs.engine label) and 'engine-id' (the job engine's, in Quartz's
-- scheduler name 'sandbox-jobs-<id>'). 'engine_id' stays (or takes the job engine's value when the
-- database never had a sandbox engine); Quartz's rows move to the scheduler name built from it, so
-- that schedules, timed runs and their triggers are kept.
PRAGMA defer_foreign_keys = ON;

insert into engine_info (name, value)
select 'engine_id', value from engine_info where name = 'engine-id'
  and not exists (select 1 from engine_info where name = 'engine_id');

update qrtz_job_details set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_simple_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_cron_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_simprop_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_blob_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_calendars set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_paused_trigger_grps set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_fired_triggers set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_scheduler_state set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');
update qrtz_locks set sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine_id')
 where sched_name = 'sandbox-jobs-' || (select value from engine_info where name = 'engine-id');

delete from engine_info where name = 'engine-id';
