//! The sizes an inventory may have: a leaf, so that loading and the
//! validation families read the same figures without importing each other.

/// Largest inventory file accepted by default (64 MiB; `--max-file-mb`).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Most tasks accepted by default, counted after cluster expansion (a task
/// on a cluster of 4 counts 4; `--max-tasks`).
pub const MAX_TASKS: usize = 50_000;

/// Most blackouts accepted (E007); not configurable.
pub const MAX_BLACKOUTS: usize = 10_000;

/// Most precedences (`after` links between expanded tasks) accepted (E007);
/// not configurable. A cluster task after another cluster task waits for
/// every member of it: two clusters of 2 000 members make 4 000 000 links,
/// which is refused, with the fix (a small task between them: 4 000 links).
pub const MAX_PRECEDENCES: usize = 2_000_000;

/// Most format 1.2 schema changes accepted (E007); not configurable. Each
/// adds up to four tasks (counted against the task limit) and its rules are
/// checked against every task on its writers.
pub const MAX_SCHEMA_CHANGES: usize = 1_000;
