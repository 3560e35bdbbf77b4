//! The field's benchmark instances and our own: readers for PSPLIB RCPSP
//! (`.sm`, Patterson) and RCPSP/max (`.sch`) ([`formats`], [`psplib`],
//! [`rcpspmax`], sharing the lexer `text_reader`), generators of instances and of whole estates
//! ([`instgen`], [`generate`]), and the runner behind `windowplan bench`
//! ([`runner`]).

pub mod formats;
pub mod generate;
pub mod instgen;
pub mod psplib;
pub mod rcpspmax;
pub mod runner;
pub(crate) mod text_reader;
