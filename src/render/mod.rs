//! Message rendering with handlebars (work in progress).
