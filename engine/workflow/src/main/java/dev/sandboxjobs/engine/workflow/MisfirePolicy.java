package dev.sandboxjobs.engine.workflow;

/** What a schedule does about fire times missed while the engine was down or busy. */
public enum MisfirePolicy {
    /** Fire once as soon as possible, then continue on schedule. */
    FIRE_ONCE_NOW,
    /** Skip the missed fire times and wait for the next one. */
    SKIP,
    /** Fire once for every missed time. */
    FIRE_ALL_MISSED
}
