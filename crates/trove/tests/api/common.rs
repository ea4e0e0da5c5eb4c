//! The suite's harness: `trove-testkit` on this binary's stack ([`crate::STACK`]).
//! Everything else a test uses comes from the testkit as it is.

#![allow(dead_code)]

use std::ops::{Deref, DerefMut};

pub use trove_testkit::*;

pub mod as_user {
    pub use trove_testkit::{Client, PASSWORD};
}

/// A [`trove_testkit::TestServer`] on this binary's stack.
pub struct TestServer(trove_testkit::TestServer);

impl TestServer {
    pub async fn start() -> Self {
        TestServer(trove_testkit::TestServer::start(crate::STACK).await)
    }

    pub async fn start_with(tweak: impl FnOnce(&mut trove::Config)) -> Self {
        TestServer(trove_testkit::TestServer::start_with(crate::STACK, tweak).await)
    }

    pub async fn restart_with(self, tweak: impl FnOnce(&mut trove::Config)) -> Self {
        TestServer(self.0.restart_with(tweak).await)
    }

    pub async fn stop(self) {
        self.0.stop().await
    }

    pub async fn stop_and_keep_dir(self) -> tempfile::TempDir {
        self.0.stop_and_keep_dir().await
    }
}

impl Deref for TestServer {
    type Target = trove_testkit::TestServer;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl DerefMut for TestServer {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}
