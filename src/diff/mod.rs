//! `diff`: what an RBAC change grants and takes away (issue 19, in progress on this branch).

pub mod boxes;
