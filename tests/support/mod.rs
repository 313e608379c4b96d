//! Helpers shared by integration tests.
#![allow(dead_code)]

pub mod cluster;
pub mod review;
pub mod stub;
pub mod webhook;
pub mod world;
