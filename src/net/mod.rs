//! Network address policy: address blocks, the IANA special-purpose registries and the SSRF guard.
//!
//! Why its own module: config parses address blocks, routing refuses private webhook hosts when a
//! route is saved, and delivery refuses private addresses when it connects. All three need the same
//! rules, and none of them should depend on another for it, so the rules live here, below them all.

pub mod addresses;
mod cidr;
mod guard;

pub use self::addresses::{embedded_v4, private_host_name, restricted_kind};
pub use self::cidr::Cidr;
pub use self::guard::{AddressGuard, Blocked};
