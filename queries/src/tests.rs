//! Tests of the queries crate.

mod incremental;
