//! The admin API's operations, each a method and a path named once. The endpoint table
//! ([`super::endpoints`]) mounts and documents each under its name, and the CLI's remote client
//! calls the same names, so a path changed here changes for both and a removed one is a compile
//! error in the client, not a 404 at run time.

use axum::http::Method;

/// One operation: its method and its path in axum syntax (`/routes/{app}/{account}/{name}`).
pub struct Op {
    pub method: Method,
    pub path: &'static str,
}

macro_rules! ops {
    ($($name:ident = $m:ident $path:literal;)*) => {
        $(pub const $name: Op = Op { method: Method::$m, path: $path };)*

        /// Every operation, for the check that the endpoint table mounts each one exactly once.
        #[cfg(test)]
        pub const ALL: &[&Op] = &[$(&$name),*];
    };
}

ops! {
    OPENAPI = GET "/openapi.json";
    LIST_TENANTS = GET "/tenants";
    TENANT_AUDIT = GET "/tenants/audit";
    GET_TENANT = GET "/tenants/{app}/{account}";
    REMOVE_TENANT = DELETE "/tenants/{app}/{account}";
    LIST_EVENTS = GET "/events";
    LIST_ROUTES = GET "/routes";
    ADD_ROUTE = POST "/routes";
    IMPORT_ROUTES = POST "/routes/import";
    TEST_ROUTES = POST "/routes/test";
    GET_ROUTE = GET "/routes/{app}/{account}/{name}";
    REPLACE_ROUTE = PUT "/routes/{app}/{account}/{name}";
    REMOVE_ROUTE = DELETE "/routes/{app}/{account}/{name}";
    SEND_TEST = POST "/routes/{app}/{account}/{name}/send-test";
    LIST_TEMPLATES = GET "/templates";
    TEMPLATE_SOURCE = GET "/templates/source";
    PREVIEW_TEMPLATES = POST "/templates/preview";
    SET_TEMPLATE = PUT "/templates/{app}/{account}/{event}/{key}";
    REMOVE_TEMPLATE = DELETE "/templates/{app}/{account}/{event}/{key}";
    LIST_DELIVERIES = GET "/deliveries";
    GET_DELIVERY = GET "/deliveries/{id}";
    RETRY_DELIVERY = POST "/deliveries/{id}/retry";
    REPLAY_DELIVERIES = POST "/deliveries/replay";
    LIST_NOTICES = GET "/notices";
    LIST_DISABLED = GET "/destinations/disabled";
    ENABLE_DESTINATION = POST "/destinations/enable";
    LIST_SUBSCRIPTIONS = GET "/subscriptions";
    REMOVE_SUBSCRIPTION = DELETE "/subscriptions/{app}/{account}/{route}/{target}";
    LIST_CODES = GET "/codes";
    CREATE_CODE = POST "/codes";
    REVOKE_CODE = DELETE "/codes/{id}";
    LIST_ORGANIZERS = GET "/organizers";
    REMOVE_ORGANIZER = DELETE "/organizers/{app}/{account}/{user_id}";
    GET_OWN_BOT = GET "/telegram/bot";
    CONNECT_OWN_BOT = PUT "/telegram/bot";
    REMOVE_OWN_BOT = DELETE "/telegram/bot";
    OWN_BOT_MOVED = POST "/telegram/bot/moved";
    LIST_TOKENS = GET "/tokens";
    CREATE_TOKEN = POST "/tokens";
    REVOKE_TOKEN = DELETE "/tokens/{id}";
    BACKUP = GET "/backup";
    LIST_APPS = GET "/apps";
    ADD_APP = POST "/apps";
    GET_APP = GET "/apps/{app_id}";
    UPDATE_APP = PUT "/apps/{app_id}";
    REMOVE_APP = DELETE "/apps/{app_id}";
    INVITE_APP = POST "/app-invitations";
    LIST_APP_INVITATIONS = GET "/app-invitations";
    REVOKE_APP_INVITATION = DELETE "/app-invitations/{id}";
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    /// A named operation that no endpoint mounts would let the CLI call a path that answers 404;
    /// one mounted twice would be a second handler for the same request.
    #[test]
    fn the_endpoint_table_mounts_every_operation_exactly_once() {
        let mut mounted: BTreeMap<(String, &str), usize> = BTreeMap::new();
        for e in super::super::endpoints() {
            *mounted.entry((e.method.to_string(), e.path)).or_default() += 1;
        }
        for op in super::ALL {
            let n = mounted.remove(&(op.method.to_string(), op.path));
            assert_eq!(n, Some(1), "{} {} mounted {n:?} times", op.method, op.path);
        }
        assert!(
            mounted.is_empty(),
            "endpoints without a named operation: {mounted:?}"
        );
    }
}
