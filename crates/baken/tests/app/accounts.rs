//! Black-box tests: accounts.

use super::*;
