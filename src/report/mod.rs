//! (to be written)
pub mod csv;
pub mod gantt;
pub mod html;
pub mod ics;
pub mod markdown;
