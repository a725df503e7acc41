//! The SSRF guard: which resolved addresses an outgoing webhook may connect to.

use std::net::IpAddr;

use super::Cidr;
use super::addresses::{embedded_v4, restricted_kind};

/// A refused destination address. Its message is what the organizer sees in the delivery log, so it
/// never names the address: a tenant could otherwise resolve internal DNS names through the relay.
/// The operator's log line ([`Blocked::log`]) has the address and its kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "blocked: the address resolves to a private or reserved network, which webhooks may not reach; \
     the relay operator can allow it with webhooks.allow_cidrs"
)]
pub struct Blocked {
    pub ip: IpAddr,
    pub kind: &'static str,
}

impl Blocked {
    /// Records the refusal with the address for the operator (never shown to tenants).
    pub fn log(&self, host: &str) {
        tracing::warn!(
            host,
            ip = %self.ip,
            kind = self.kind,
            "webhook destination blocked by the SSRF guard"
        );
    }
}

/// Decides which addresses the relay may connect to.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    allow_private_networks: bool,
    allow_cidrs: Vec<Cidr>,
}

impl AddressGuard {
    pub fn new(allow_private_networks: bool, allow_cidrs: Vec<Cidr>) -> Self {
        AddressGuard {
            allow_private_networks,
            allow_cidrs,
        }
    }

    pub fn check(&self, ip: IpAddr) -> Result<(), Blocked> {
        let Some(kind) = restricted_kind(ip) else {
            return Ok(());
        };
        if self.allow_private_networks {
            return Ok(());
        }
        let mapped = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        let allowed = self
            .allow_cidrs
            .iter()
            .any(|c| c.contains(ip) || mapped.is_some_and(|m| c.contains(m)));
        if allowed {
            Ok(())
        } else {
            Err(Blocked { ip, kind })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_allows_by_flag_or_cidr_and_explains_refusals() {
        let ip: IpAddr = "10.0.0.5".parse().unwrap();
        let err = AddressGuard::new(false, vec![]).check(ip).unwrap_err();
        assert_eq!(err.kind, "a private address");
        assert!(!err.to_string().contains("10.0.0.5"), "{err}");
        assert!(err.to_string().contains("allow_cidrs"), "{err}");
        assert!(AddressGuard::new(true, vec![]).check(ip).is_ok());
        let cidrs = vec!["10.0.0.0/24".parse().unwrap(), "fd00::/8".parse().unwrap()];
        let g = AddressGuard::new(false, cidrs);
        assert!(g.check(ip).is_ok());
        assert!(g.check("::ffff:10.0.0.9".parse().unwrap()).is_ok());
        assert!(g.check("fd00::1".parse().unwrap()).is_ok());
        assert!(g.check("10.0.1.5".parse().unwrap()).is_err());
        assert!(g.check("127.0.0.1".parse().unwrap()).is_err());
        assert!(g.check("8.8.8.8".parse().unwrap()).is_ok());
    }
}
