//! Black-box tests: uploads.

use super::*;
