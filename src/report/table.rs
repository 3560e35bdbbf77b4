//! Terminal table of a plan.
