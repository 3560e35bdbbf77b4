//! (to be written)
use crate::error::InputError;
use crate::inventory::Inventory;
use std::path::Path;

/// File formats an inventory can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Json,
}

/// Reads, validates and resolves an inventory file (format by extension).
pub fn load(_path: &Path) -> Result<Inventory, InputError> {
    todo!()
}

/// Validates and resolves an inventory given as text.
pub fn load_str(_text: &str, _format: Format, _source: &str) -> Result<Inventory, InputError> {
    todo!()
}
