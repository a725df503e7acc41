//! Everything that knows Zoom's wire format: request signatures, the CRC handshake, event payloads.

pub mod event;
pub mod oauth;
pub mod samples;
pub mod signature;

pub use event::{EventKind, Meeting, ParsedEvent, ZoomEvent};
pub use signature::{Keys, SignatureError, Verifier};
