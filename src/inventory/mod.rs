//! The inventory: the user's description of the estate and the changes to
//! make. [`load`] reads a YAML or JSON file, validates it (reporting every
//! problem at once, each with its field path), and resolves it into an
//! [`Inventory`] whose references are indices and whose times are minutes
//! from the window start.

pub mod file;
pub mod model;
pub mod time;
pub mod validate;

pub use model::*;
pub use validate::{load, load_str, Format};
