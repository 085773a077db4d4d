//! Tests of the queries crate.

mod config;
mod incremental;
mod python;
mod recipe;
mod recipes;
