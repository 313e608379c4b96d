//! Identity: who a request authenticates as. [`authn`] works out which user and groups a ServiceAccount, its pods
//! and its legacy token Secrets present (and the cloud identity it maps to); [`token`] decodes a ServiceAccount
//! token's claims without verifying or printing it; [`aws`] evaluates IAM trust policies against the tokens a
//! ServiceAccount can present. Pure: no network, no terminal.

pub mod authn;
pub mod aws;
pub mod token;
