//! Plan as pretty JSON.
