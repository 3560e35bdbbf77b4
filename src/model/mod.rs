//! The domain-free core scheduling problem and the compiler that maps an
//! inventory onto it. The solver sees only [`Problem`]; nothing about
//! clusters, DR pairs or services leaks past [`compile()`].

pub mod compile;
pub mod export;
#[cfg(test)]
pub mod fixtures;
pub mod problem;
pub mod signal;
pub mod verify;

pub use compile::{compile, compile_with, CompileOptions, Compiled};
pub use problem::*;
