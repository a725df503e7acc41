//! The OpenAPI 3.1 document, generated from [`super::endpoints`] (paths, parameters, who may call)
//! and the Rust types (JSON Schema 2020-12, which OpenAPI 3.1 uses as is).

use crate::http::extract::Json;
use axum::http::Method;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{Access, Answer, endpoints};

pub(super) async fn serve() -> Json<Value> {
    Json(document())
}

fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// The document served at `/api/v1/openapi.json`.
pub fn document() -> Value {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let mut paths: Map<String, Value> = Map::new();
    for e in endpoints() {
        let mut params: Vec<Value> = path_params(e.path)
            .into_iter()
            .map(|name| {
                json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
            })
            .collect();
        for (name, description) in e.query {
            params.push(json!({"name": name, "in": "query", "required": false,
                               "description": description, "schema": {"type": "string"}}));
        }
        let mut responses = Map::new();
        match e.answer {
            Answer::Json(status, f) => {
                let schema = f(&mut generator);
                responses.insert(
                    status.to_string(),
                    json!({"description": "OK", "content": {"application/json": {"schema": schema}}}),
                );
            }
            Answer::NoContent => {
                responses.insert("204".into(), json!({"description": "Done"}));
            }
            Answer::Binary(media) => {
                responses.insert(
                    "200".into(),
                    json!({"description": "OK", "content": {media: {"schema": {"type": "string", "contentEncoding": "binary"}}}}),
                );
            }
        }
        if e.access != Access::Public {
            responses.insert("401".into(), error_response("missing or wrong credentials"));
            responses.insert(
                "404".into(),
                error_response(
                    "not found, or not visible to the caller (another tenant's resource)",
                ),
            );
        }
        if e.request.is_some() || !e.query.is_empty() || !path_params(e.path).is_empty() {
            responses.insert(
                "400".into(),
                error_response("invalid input; `field` names it"),
            );
        }
        let mut op = json!({
            "summary": e.summary,
            "operationId": operation_id(&e.method, e.path),
            "parameters": params,
            "responses": responses,
        });
        match e.access {
            Access::Public => op["security"] = json!([]),
            Access::Operator => {
                op["description"] = json!("Operator only (security.admin_token).");
            }
            Access::Scoped => {
                op["description"] = json!(
                    "The operator sees every tenant; a tenant token or console session only its own."
                );
            }
        }
        if let Some(f) = e.request {
            op["requestBody"] = json!({
                "required": true,
                "content": {"application/json": {"schema": f(&mut generator)}}
            });
        }
        let item = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        item[e.method.as_str().to_ascii_lowercase()] = op;
    }
    let mut schemas = generator.take_definitions(true);
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["not_found", "bad_request"]},
                    "message": {"type": "string"},
                    "field": {"type": ["string", "null"], "description": "the input that is wrong"}
                }
            }}
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "zoom-relay admin API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Routes, templates, deliveries, subscriptions, codes and tokens of a zoom-relay. \
                            Authenticate with `Authorization: Bearer <token>`: the operator's admin_token, \
                            or a tenant token (`zrt_...`). Console sessions use a cookie and must send \
                            `X-CSRF-Token` on changes."
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas,
        }
    })
}

fn operation_id(method: &Method, path: &str) -> String {
    let mut id = method.as_str().to_ascii_lowercase();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(
            &seg.trim_start_matches('{')
                .trim_end_matches('}')
                .replace(['.', '-'], "_"),
        );
    }
    id
}
