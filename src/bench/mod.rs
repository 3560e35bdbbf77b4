//! The field's benchmark instances and our own: readers for PSPLIB RCPSP
//! (`.sm`, Patterson) and RCPSP/max (`.sch`) ([`formats`], [`psplib`],
//! [`rcpspmax`]), generators of instances and of whole estates
//! ([`instgen`], [`generate`]), and the runner behind `windowplan bench`
//! ([`runner`]).

pub mod formats;
pub mod generate;
pub mod instgen;
pub mod psplib;
pub mod rcpspmax;
pub mod runner;
