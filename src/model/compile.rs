//! (to be written)
use crate::inventory::Inventory;
use crate::model::Problem;

/// A compiled problem: activity `i` is task `i` of the inventory.
pub struct Compiled {
    pub problem: Problem,
}

pub fn compile(_inv: &Inventory) -> Compiled {
    todo!()
}
