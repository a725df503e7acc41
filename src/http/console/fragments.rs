//! Small pieces of markup that several console pages repeat, each written once: a list of a
//! field's errors, a facts list, a scrollable table, a route picker. Values are escaped by maud.

use maud::{Markup, html};

use super::html::options;
use crate::routing::FieldError;

/// The errors of one field, as the element its input names with `aria-describedby="{id}"`.
pub fn error_list<'a>(id: &str, errs: impl IntoIterator<Item = &'a FieldError>) -> Markup {
    html! {
        ul class="field-error" id=(id) {
            @for f in errs {
                li { (f.message) }
            }
        }
    }
}

/// A `<dl class="facts">` of label and value pairs.
pub fn facts(rows: &[(&str, Markup)]) -> Markup {
    html! {
        dl class="facts" {
            @for (label, value) in rows {
                dt { (label) }
                dd { (value) }
            }
        }
    }
}

/// Column headers (`<th scope="col">`) with these names.
pub fn col_heads(names: &[&str]) -> Markup {
    html! {
        @for n in names {
            th scope="col" { (n) }
        }
    }
}

/// A table in a focusable region named `label` that scrolls sideways on a narrow screen; `head`
/// is the header row's cells, `body` the rows.
pub fn table_region(label: &str, class: Option<&str>, head: Markup, body: Markup) -> Markup {
    html! {
        div class="table-wrap" tabindex="0" role="region" aria-label=(label) {
            table class=[class] {
                thead { tr { (head) } }
                tbody { (body) }
            }
        }
    }
}

/// A field that picks one of the account's routes (`name="route"`), its first option `none`
/// (value "") for every route.
pub fn route_select(
    id: &str,
    label: &str,
    none: &str,
    routes: &[String],
    selected: Option<&str>,
) -> Markup {
    html! {
        div class="field" {
            label for=(id) { (label) }
            select id=(id) name="route" {
                option value="" { (none) }
                // Safe: `options` escapes every value.
                (options(routes, selected))
            }
        }
    }
}
