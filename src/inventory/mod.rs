//! The inventory: the user's description of the estate and the changes to
//! make. [`load`] reads a YAML or JSON file, validates it (reporting every
//! problem at once, each with its field path, a stable code and a hint; see
//! docs/errors.md), and resolves it into an [`Inventory`] whose references
//! are indices and whose times are minutes from the window start.
//!
//! - [`mod@file`]: the serde model of the v1 file, as written.
//! - `time`: durations, lags, local times (DST-aware) and intervals.
//! - `node`, [`shape`]: when the file does not fit the model at once, a
//!   tree with the line and column of every value, read item by item so
//!   every malformed field is reported.
//! - [`load`]: reading and parsing, limits; `parser_hints`: the parser's
//!   messages turned into codes and hints; [`mod@suggest`]: "did you mean";
//! - [`mod@campaign`]: format 1.2 campaigns over several windows, and the
//!   inventory of each window;
//! - [`validate`]: every validation rule, and resolution;
//!   `impossible`: the rules no schedule can satisfy, found there.

pub mod campaign;
pub mod file;
pub(crate) mod impossible;
pub mod limits;
pub mod load;
pub mod model;
pub(crate) mod node;
pub(crate) mod parser_hints;
pub(crate) mod placeholder;
pub mod schema;
pub mod schema_changes;
pub mod shape;
pub mod suggest;
#[cfg(test)]
pub(crate) mod testkit;
pub(crate) mod time;
pub mod validate;

pub(crate) use load::{load_str, load_str_with, load_with, place_in};
pub use load::{
    parse_str, parse_value, read_limited, read_text_limited, Format, Limits, MAX_BLACKOUTS,
    MAX_FILE_BYTES, MAX_PRECEDENCES, MAX_TASKS,
};
pub use model::*;
pub use placeholder::FILL_IN;
