//! Streaming decode of JSON snapshots: each item of a List is added to the builder as soon as it is decoded, so
//! neither the file's text nor the whole list of decoded items is ever held in memory at once.

use std::fmt;

use anyhow::{Result, anyhow};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::{add_document, list_item_kind};
use crate::model::ClusterBuilder;
use crate::model::raw::RawAny;

/// Decodes a stream of JSON values (objects, Lists, arrays of objects) into the builder.
pub(super) fn load<'de, R: serde_json::de::Read<'de>>(
    origin: &str,
    read: R,
    builder: &mut ClusterBuilder,
) -> Result<()> {
    let mut de = serde_json::Deserializer::new(read);
    let mut failure = None;
    // `end` succeeds once only whitespace is left.
    while de.end().is_err() {
        let value = Document { builder, failure: &mut failure };
        if let Err(e) = value.deserialize(&mut de) {
            let at = format!("{origin}:{}:{}", e.line(), e.column());
            return Err(match failure.take() {
                Some(cause) => anyhow!("{at}: {cause:#}"),
                None => anyhow!("{at}: invalid JSON: {e}"),
            });
        }
    }
    Ok(())
}

/// One JSON value: an object (maybe a List, whose items stream) or an array of them.
struct Document<'a> {
    builder: &'a mut ClusterBuilder,
    /// Why decoding stopped, when an object was well-formed JSON but not acceptable (the builder's errors).
    failure: &'a mut Option<anyhow::Error>,
}

/// The fields of [`RawAny`] other than `items`; everything else is skipped without being built.
const OBJECT_FIELDS: &[&str] = &[
    "kind",
    "apiVersion",
    "metadata",
    "rules",
    "aggregationRule",
    "roleRef",
    "subjects",
    "automountServiceAccountToken",
    "secrets",
    "imagePullSecrets",
    "type",
    "status",
    "spec",
    "webhooks",
    // Cloud exports.
    "Role",
    "Roles",
    "cluster",
    "association",
    "associations",
    "id",
    "name",
    "clientId",
    "issuer",
    "subject",
    "audiences",
    "oidcIssuerProfile",
    "resource",
    "policy",
    "workloadIdentityConfig",
];

impl<'de> DeserializeSeed<'de> for Document<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Document<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Kubernetes object, a List, or an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Document { builder: &mut *self.builder, failure: &mut *self.failure })?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut fields = Map::new();
        // Items without a kind of their own wait for the List's kind, which kubectl prints after `items`.
        let mut kindless: Vec<RawAny> = Vec::new();
        let mut has_items = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "items" {
                let list_kind = fields.get("kind").and_then(Value::as_str).map(str::to_owned);
                has_items = map.next_value_seed(Items {
                    builder: &mut *self.builder,
                    failure: &mut *self.failure,
                    item_kind: list_kind.as_deref().and_then(list_item_kind),
                    kind_known: list_kind.is_some(),
                    kindless: &mut kindless,
                })?;
            } else if OBJECT_FIELDS.contains(&key.as_str()) {
                let value: Value = map.next_value()?;
                fields.insert(key, value);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        let kind = fields.get("kind").and_then(Value::as_str).map(str::to_owned);
        let result = if has_items {
            let item_kind = kind.as_deref().and_then(list_item_kind);
            kindless.into_iter().try_for_each(|item| add_document(item, item_kind, self.builder))
        } else {
            serde_json::from_value::<RawAny>(Value::Object(fields))
                .map_err(anyhow::Error::from)
                .and_then(|doc| add_document(doc, None, self.builder))
        };
        if has_items && kind.is_none() {
            return stop(self.failure, anyhow!("a List has no `kind`: not `kubectl get -o json` output"));
        }
        result.or_else(|e| stop(self.failure, e))
    }
}

/// Records why decoding stops and ends it; [`load`] reports the cause at the position the decoder reached.
fn stop<E: de::Error>(failure: &mut Option<anyhow::Error>, cause: anyhow::Error) -> Result<(), E> {
    *failure = Some(cause);
    Err(E::custom("stopped"))
}

/// The `items` of a List, added one at a time. Yields whether there was an array (`null` is no items).
struct Items<'a> {
    builder: &'a mut ClusterBuilder,
    failure: &'a mut Option<anyhow::Error>,
    item_kind: Option<&'a str>,
    /// Whether the List's kind was read before its items (API server order; kubectl prints it after).
    kind_known: bool,
    kindless: &'a mut Vec<RawAny>,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_none<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while let Some(item) = seq.next_element::<RawAny>()? {
            if item.kind.is_none() && !self.kind_known {
                self.kindless.push(item);
            } else if let Err(e) = add_document(item, self.item_kind, self.builder) {
                return stop(self.failure, e).map(|()| true);
            }
        }
        Ok(true)
    }
}
