//! Plan change checks.

pub mod plan_02;
