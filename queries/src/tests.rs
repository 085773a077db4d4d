//! Tests of the queries crate.

mod config;
mod incremental;
mod recipe;
mod recipes;
