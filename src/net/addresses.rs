//! Which destination addresses a webhook may reach: a table of the IANA special-purpose registries.
//!
//! Sources, row for row (checked against the registries as updated in 2024-2025):
//! - IANA IPv4 Special-Purpose Address Registry (RFC 6890 and its updates),
//!   <https://www.iana.org/assignments/iana-ipv4-special-registry/>;
//! - IANA IPv6 Special-Purpose Address Registry,
//!   <https://www.iana.org/assignments/iana-ipv6-special-registry/>;
//! - multicast (224.0.0.0/4, ff00::/8) from the multicast registries, and for IPv6 everything
//!   outside global unicast 2000::/3 (RFC 4291), which the registry does not list row by row.
//!
//! Why a table and not a crate: the crates that follow the registries (`iprfc`, `nex-core`) either
//! pull in a large networking stack or judge IPv6 forms that carry an IPv4 address (mapped,
//! IPv4-compatible, NAT64, 6to4) by their IPv6 row only, so `::127.0.0.1` passed. Here those forms
//! are judged by the IPv4 address inside them, and the table is tested row by row.
//!
//! Rows whose "Globally Reachable" column is true (AS112 192.31.196.0/24, 192.175.48.0/24,
//! 2620:4f:8000::/48; AMT 192.52.193.0/24, 2001:3::/32; ORCHIDv2 2001:20::/28; DRIP 2001:30::/28;
//! AS112-v6 2001:4:112::/48) are reachable. The anycast /32s inside 192.0.0.0/24 and 2001::/23
//! (PCP, TURN, DNS-SD SRP) are refused with their block: no webhook receiver lives there.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One registry row: network, prefix length, and what to call an address in it.
struct V4Row(u32, u8, &'static str);
struct V6Row(u128, u8, &'static str);

const LOOPBACK: &str = "a loopback address";
const PRIVATE: &str = "a private address";
const LINK_LOCAL: &str = "a link-local address";
const UNSPECIFIED: &str = "an unspecified address";
const DOCUMENTATION: &str = "a documentation address";
const BENCHMARKING: &str = "a benchmarking address";
const PROTOCOL: &str = "an IETF protocol assignment";
const RESERVED: &str = "a reserved address";
const MULTICAST: &str = "a multicast address";

const fn v4(a: u8, b: u8, c: u8, d: u8) -> u32 {
    u32::from_be_bytes([a, b, c, d])
}

/// IPv4 rows that are not globally reachable. Most specific rows need no order: any match refuses.
const V4_TABLE: &[V4Row] = &[
    V4Row(v4(0, 0, 0, 0), 8, UNSPECIFIED), // "This network", RFC 791
    V4Row(v4(10, 0, 0, 0), 8, PRIVATE),    // Private-Use, RFC 1918
    V4Row(v4(100, 64, 0, 0), 10, "a shared (CGNAT) address"), // Shared Address Space, RFC 6598
    V4Row(v4(127, 0, 0, 0), 8, LOOPBACK),  // Loopback, RFC 1122
    V4Row(v4(169, 254, 0, 0), 16, LINK_LOCAL), // Link Local (cloud metadata), RFC 3927
    V4Row(v4(172, 16, 0, 0), 12, PRIVATE), // Private-Use, RFC 1918
    V4Row(v4(192, 0, 0, 0), 24, PROTOCOL), // IETF Protocol Assignments, RFC 6890 (DS-Lite, NAT64 discovery, ...)
    V4Row(v4(192, 0, 2, 0), 24, DOCUMENTATION), // TEST-NET-1, RFC 5737
    V4Row(v4(192, 88, 99, 0), 24, RESERVED), // Deprecated 6to4 Relay Anycast, RFC 7526
    V4Row(v4(192, 168, 0, 0), 16, PRIVATE), // Private-Use, RFC 1918
    V4Row(v4(198, 18, 0, 0), 15, BENCHMARKING), // Benchmarking, RFC 2544
    V4Row(v4(198, 51, 100, 0), 24, DOCUMENTATION), // TEST-NET-2, RFC 5737
    V4Row(v4(203, 0, 113, 0), 24, DOCUMENTATION), // TEST-NET-3, RFC 5737
    V4Row(v4(224, 0, 0, 0), 4, MULTICAST), // Multicast, RFC 5771
    V4Row(v4(240, 0, 0, 0), 4, RESERVED),  // Reserved, RFC 1112 (includes 255.255.255.255)
];

const fn v6(s: [u16; 8]) -> u128 {
    ((s[0] as u128) << 112)
        | ((s[1] as u128) << 96)
        | ((s[2] as u128) << 80)
        | ((s[3] as u128) << 64)
        | ((s[4] as u128) << 48)
        | ((s[5] as u128) << 32)
        | ((s[6] as u128) << 16)
        | (s[7] as u128)
}

/// IPv6 rows that are not globally reachable, after the IPv4-carrying forms were judged by their
/// IPv4 address (see [`embedded_v4`]).
const V6_TABLE: &[V6Row] = &[
    V6Row(v6([0, 0, 0, 0, 0, 0, 0, 1]), 128, LOOPBACK), // Loopback, RFC 4291
    V6Row(v6([0, 0, 0, 0, 0, 0, 0, 0]), 128, UNSPECIFIED), // Unspecified, RFC 4291
    V6Row(
        v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0]),
        48,
        "a local-use NAT64 address",
    ), // RFC 8215
    V6Row(
        v6([0x100, 0, 0, 0, 0, 0, 0, 0]),
        64,
        "a discard-only address",
    ), // RFC 6666
    V6Row(v6([0x100, 0, 0, 1, 0, 0, 0, 0]), 64, "a dummy address"), // Dummy IPv6 Prefix, RFC 9780
    V6Row(v6([0x2001, 0, 0, 0, 0, 0, 0, 0]), 32, "a Teredo address"), // TEREDO, RFC 4380
    V6Row(v6([0x2001, 2, 0, 0, 0, 0, 0, 0]), 48, BENCHMARKING), // Benchmarking, RFC 5180
    V6Row(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32, DOCUMENTATION), // Documentation, RFC 3849
    V6Row(v6([0x3fff, 0, 0, 0, 0, 0, 0, 0]), 20, DOCUMENTATION), // Documentation, RFC 9637
    V6Row(v6([0x5f00, 0, 0, 0, 0, 0, 0, 0]), 16, RESERVED), // Segment Routing SIDs, RFC 9602
    V6Row(v6([0xfc00, 0, 0, 0, 0, 0, 0, 0]), 7, PRIVATE), // Unique-Local, RFC 4193
    V6Row(v6([0xfe80, 0, 0, 0, 0, 0, 0, 0]), 10, LINK_LOCAL), // Link-Local Unicast, RFC 4291
    V6Row(v6([0xfec0, 0, 0, 0, 0, 0, 0, 0]), 10, PRIVATE), // deprecated site-local, RFC 3879
    V6Row(v6([0xff00, 0, 0, 0, 0, 0, 0, 0]), 8, MULTICAST), // Multicast, RFC 4291
];

/// Globally reachable rows inside a refused IPv6 block: IETF Protocol Assignments 2001::/23 is
/// refused except these.
const V6_GLOBAL_IN_PROTOCOL: &[V6Row] = &[
    V6Row(v6([0x2001, 3, 0, 0, 0, 0, 0, 0]), 32, ""), // AMT, RFC 7450
    V6Row(v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0]), 48, ""), // AS112-v6, RFC 7535
    V6Row(v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0]), 28, ""), // ORCHIDv2, RFC 7343
    V6Row(v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0]), 28, ""), // DRIP DETs, RFC 9374
];

fn in_v4(ip: u32, net: u32, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - len as u32).unwrap_or(0);
    ip & mask == net & mask
}

fn in_v6(ip: u128, net: u128, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - len as u32).unwrap_or(0);
    ip & mask == net & mask
}

/// Why an address is refused, or None for a globally reachable unicast address. IPv6 forms that
/// carry an IPv4 address are judged by it as well.
pub fn restricted_kind(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => restricted_v4(v4),
        IpAddr::V6(v6) => restricted_v6(v6),
    }
}

/// The IPv4 address inside an IPv6 form that carries one: IPv4-mapped `::ffff:a.b.c.d`,
/// IPv4-compatible `::a.b.c.d` (deprecated, RFC 4291), NAT64 well-known `64:ff9b::a.b.c.d`
/// (RFC 6052) and 6to4 `2002:AABB:CCDD::/48` (RFC 3056). Teredo (2001::/32) obfuscates its
/// client address and is refused as a whole instead.
pub fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    let n = u128::from(v6);
    let low32 = Ipv4Addr::from((n & 0xffff_ffff) as u32);
    if in_v6(n, v6_bits(&[0, 0, 0, 0, 0, 0xffff, 0, 0]), 96)
        || in_v6(n, v6_bits(&[0x64, 0xff9b, 0, 0, 0, 0, 0, 0]), 96)
    {
        return Some(low32);
    }
    // IPv4-compatible, but not :: and ::1, which are their own rows.
    if in_v6(n, 0, 96) && (n >> 16) != 0 {
        return Some(low32);
    }
    if in_v6(n, v6_bits(&[0x2002, 0, 0, 0, 0, 0, 0, 0]), 16) {
        return Some(Ipv4Addr::from(((n >> 80) & 0xffff_ffff) as u32));
    }
    None
}

fn v6_bits(s: &[u16; 8]) -> u128 {
    v6(*s)
}

fn restricted_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let n = u32::from(ip);
    if ip.is_broadcast() {
        return Some("a broadcast address");
    }
    V4_TABLE
        .iter()
        .find(|V4Row(net, len, _)| in_v4(n, *net, *len))
        .map(|r| r.2)
}

fn restricted_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let n = u128::from(ip);
    if let Some(v4) = embedded_v4(ip) {
        if let Some(kind) = restricted_v4(v4) {
            return Some(kind);
        }
        // A public IPv4 inside: mapped, NAT64 and 6to4 reach it; IPv4-compatible is deprecated
        // and never routed.
        if in_v6(n, 0, 96) {
            return Some("a deprecated IPv4-compatible address");
        }
        return None;
    }
    if in_v6(n, v6_bits(&[0x2001, 0, 0, 0, 0, 0, 0, 0]), 23) {
        let global = V6_GLOBAL_IN_PROTOCOL
            .iter()
            .any(|V6Row(net, len, _)| in_v6(n, *net, *len));
        if !global {
            // Teredo is the more telling name where it applies.
            return Some(if in_v6(n, v6_bits(&[0x2001, 0, 0, 0, 0, 0, 0, 0]), 32) {
                "a Teredo address"
            } else {
                PROTOCOL
            });
        }
        return None;
    }
    if let Some(r) = V6_TABLE
        .iter()
        .find(|V6Row(net, len, _)| in_v6(n, *net, *len))
    {
        return Some(r.2);
    }
    // Everything outside global unicast 2000::/3 is unassigned or reserved by the IETF.
    if !in_v6(n, v6_bits(&[0x2000, 0, 0, 0, 0, 0, 0, 0]), 3) {
        return Some(RESERVED);
    }
    None
}

/// Host names that name the relay's own machine or a private network by convention: `localhost`
/// and `*.localhost` (RFC 6761), `*.local` (mDNS, RFC 6762), `*.internal` (ICANN's private-use
/// TLD, also cloud metadata such as `metadata.google.internal`), `*.home.arpa` (RFC 8375), and
/// names without a dot (resolved through local search domains, never a public receiver).
pub fn private_host_name(host: &str) -> Option<&'static str> {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    let ends = |suffix: &str| h == suffix || h.ends_with(&format!(".{suffix}"));
    if ends("localhost") {
        Some("a name for this machine")
    } else if ends("local") || ends("internal") || ends("home.arpa") || ends("lan") {
        Some("a private network name")
    } else if !h.contains('.') {
        Some("a single-label (local network) name")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> Option<&'static str> {
        restricted_kind(s.parse().unwrap())
    }

    /// One row per registry entry: an address inside (first, last or typical) and its neighbour
    /// outside where the neighbour is public.
    /// Each refused address is refused for its reason, and each allowed one is not refused.
    fn judged(refused: &[(&str, &str)], allowed: &[&str]) {
        for (ip, want) in refused {
            assert_eq!(kind(ip), Some(*want), "{ip}");
        }
        for ip in allowed {
            assert_eq!(kind(ip), None, "{ip}");
        }
    }

    #[test]
    fn ipv4_registry_rows() {
        let refused = [
            ("0.0.0.0", UNSPECIFIED),
            ("0.255.255.255", UNSPECIFIED),
            ("10.0.0.0", PRIVATE),
            ("10.255.255.255", PRIVATE),
            ("100.64.0.0", "a shared (CGNAT) address"),
            ("100.127.255.255", "a shared (CGNAT) address"),
            ("127.0.0.1", LOOPBACK),
            ("127.255.255.254", LOOPBACK),
            ("169.254.169.254", LINK_LOCAL),
            ("172.16.0.0", PRIVATE),
            ("172.31.255.255", PRIVATE),
            ("192.0.0.0", PROTOCOL),
            ("192.0.0.8", PROTOCOL),
            ("192.0.0.170", PROTOCOL),
            ("192.0.0.255", PROTOCOL),
            ("192.0.2.1", DOCUMENTATION),
            ("192.88.99.1", RESERVED),
            ("192.168.1.1", PRIVATE),
            ("198.18.0.1", BENCHMARKING),
            ("198.19.255.255", BENCHMARKING),
            ("198.51.100.7", DOCUMENTATION),
            ("203.0.113.9", DOCUMENTATION),
            ("224.0.0.1", MULTICAST),
            ("239.255.255.250", MULTICAST),
            ("240.0.0.1", RESERVED),
            ("255.255.255.254", RESERVED),
            ("255.255.255.255", "a broadcast address"),
        ];
        judged(
            &refused,
            &[
                "1.1.1.1",
                "8.8.8.8",
                "9.255.255.255",
                "11.0.0.0",
                "100.63.255.255",
                "100.128.0.0",
                "126.255.255.255",
                "128.0.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "192.0.1.0",
                "192.31.196.1",
                "192.52.193.1",
                "192.175.48.1",
                "198.17.255.255",
                "198.20.0.0",
                "223.255.255.255",
            ],
        );
    }

    #[test]
    fn ipv6_registry_rows() {
        let refused = [
            ("::", UNSPECIFIED),
            ("::1", LOOPBACK),
            ("64:ff9b:1::1", "a local-use NAT64 address"),
            ("64:ff9b:1:ffff::1", "a local-use NAT64 address"),
            ("100::1", "a discard-only address"),
            ("100:0:0:1::1", "a dummy address"),
            ("2001::1", "a Teredo address"),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address"),
            ("2001:1::1", PROTOCOL),
            ("2001:2::1", PROTOCOL),
            ("2001:1ff::1", PROTOCOL),
            ("2001:db8::1", DOCUMENTATION),
            ("3fff::1", DOCUMENTATION),
            ("3fff:fff::1", DOCUMENTATION),
            ("5f00::1", RESERVED),
            ("fc00::1", PRIVATE),
            ("fd12:3456::1", PRIVATE),
            ("fe80::1", LINK_LOCAL),
            ("fec0::1", PRIVATE),
            ("ff02::1", MULTICAST),
            ("4000::1", RESERVED),
            ("1::1", RESERVED),
        ];
        judged(
            &refused,
            &[
                "2606:4700:4700::1111",
                "2001:3::1",
                "2001:4:112::1",
                "2001:20::1",
                "2001:30::1",
                "2001:200::1",
                "2620:4f:8000::1",
                "3fff:1000::1",
                "2002:0808:0808::1",
            ],
        );
    }

    #[test]
    fn ipv6_forms_carrying_ipv4_are_judged_by_it() {
        let refused = [
            ("::ffff:127.0.0.1", LOOPBACK),
            ("::ffff:10.0.0.5", PRIVATE),
            ("::ffff:169.254.169.254", LINK_LOCAL),
            ("::127.0.0.1", LOOPBACK),
            ("::10.1.2.3", PRIVATE),
            ("::8.8.8.8", "a deprecated IPv4-compatible address"),
            ("64:ff9b::10.0.0.5", PRIVATE),
            ("64:ff9b::127.0.0.1", LOOPBACK),
            ("64:ff9b::198.18.0.1", BENCHMARKING),
            ("2002:7f00:0001::1", LOOPBACK),
            ("2002:a9fe:a9fe::", LINK_LOCAL),
            ("2002:c000:0201::1", DOCUMENTATION),
        ];
        judged(
            &refused,
            &["::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1"],
        );
        assert_eq!(
            embedded_v4("2002:7f00:1::".parse().unwrap()),
            Some(Ipv4Addr::new(127, 0, 0, 1))
        );
    }

    #[test]
    fn private_host_names() {
        for h in [
            "localhost",
            "LOCALHOST.",
            "api.localhost",
            "printer.local",
            "metadata.internal",
            "metadata.google.internal",
            "router.home.arpa",
            "nas.lan",
            "metadata",
            "redis",
        ] {
            assert!(private_host_name(h).is_some(), "{h}");
        }
        for h in [
            "example.org",
            "hooks.example.com",
            "localhost.example.org",
            "internal.example.org",
        ] {
            assert_eq!(private_host_name(h), None, "{h}");
        }
    }
}
