//! Tests of the queries crate.

mod config;
mod incremental;
mod plan;
mod python;
mod recipe;
mod recipes;
mod reuse;
mod signature;
