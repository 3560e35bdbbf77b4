//! A generic document tree with the line and column of every value, read
//! from YAML or JSON when the inventory does not fit the file model at once.
//!
//! Each list item is then deserialized on its own from this tree (see
//! [`super::shape`]), so one malformed field hides nothing else, and every
//! diagnostic (shape or rule) is placed at its line and column by its path
//! ([`Node::find`]). The tree is built only when something is wrong: a valid
//! inventory is read straight into the file model.

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use std::fmt;

/// One value of the document and where it starts (line 0: unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A whole number too large for 64 bits, as written (JSON).
    BigInt(String),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in the order written (keys are nodes too: they have places).
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// The scalar as text (an id written `42` is the id "42").
    fn scalar_text(&self) -> Option<String> {
        match self {
            Value::Str(s) => Some(s.clone()),
            Value::Int(n) => Some(n.to_string()),
            Value::UInt(n) => Some(n.to_string()),
            Value::Float(x) => Some(x.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

impl Node {
    /// The value under a key of a map node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| k.value.scalar_text().as_deref() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The text of a string (or number) node.
    pub fn text(&self) -> Option<String> {
        self.value.scalar_text()
    }

    /// The deepest node along a diagnostic path (`tasks[3].after[0].lag`,
    /// `tasks[2].needs.dba`): the field itself when it is written, else the
    /// nearest enclosing value that is.
    pub fn find(&self, path: &str) -> &Node {
        let mut node = self;
        for seg in segments(path) {
            let next = match seg {
                Seg::Key(k) => node.get(k),
                Seg::Index(i) => match &node.value {
                    Value::Seq(items) => items.get(i),
                    _ => None,
                },
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }
}

impl Node {
    /// A node with no place (a stand-in written by the reader, not the user).
    pub fn placeholder(value: Value) -> Node {
        Node {
            value,
            line: 0,
            column: 0,
        }
    }

    /// Sets (or, with None, removes) the value at a path below this node;
    /// a missing last key is added. False when the path leads nowhere, or
    /// asks to remove a list item (that would shift the items after it).
    pub fn set(&mut self, path: &str, new: Option<Value>) -> bool {
        let segs = segments(path);
        let Some((last, parents)) = segs.split_last() else {
            return false;
        };
        let mut node = self;
        for seg in parents {
            let next = match (seg, &mut node.value) {
                (Seg::Key(k), Value::Map(m)) => m
                    .iter_mut()
                    .find(|(key, _)| key.text().as_deref() == Some(k))
                    .map(|(_, v)| v),
                (Seg::Index(i), Value::Seq(items)) => items.get_mut(*i),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return false,
            }
        }
        match (last, &mut node.value, new) {
            (Seg::Key(k), Value::Map(m), new) => {
                let at = m
                    .iter()
                    .position(|(key, _)| key.text().as_deref() == Some(k));
                match (at, new) {
                    (Some(p), Some(v)) => m[p].1.value = v,
                    (Some(p), None) => {
                        m.remove(p);
                    }
                    (None, Some(v)) => m.push((
                        Node::placeholder(Value::Str(k.to_string())),
                        Node::placeholder(v),
                    )),
                    (None, None) => return false,
                }
                true
            }
            (Seg::Index(i), Value::Seq(items), Some(v)) if *i < items.len() => {
                items[*i].value = v;
                true
            }
            _ => false,
        }
    }
}

enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// `a.b[2].c` into `a`, `b`, `2`, `c`.
fn segments(path: &str) -> Vec<Seg<'_>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (key, rest) = match part.find('[') {
            Some(p) => (&part[..p], &part[p..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            out.push(Seg::Key(key));
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            match idx.trim_end_matches(']').parse() {
                Ok(i) => out.push(Seg::Index(i)),
                Err(_) => return out,
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Reading YAML: through serde-saphyr (so its limits on size, depth and
// aliases and its duplicate-key refusal apply), with `Spanned` for places.

impl<'de> de::Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = serde_saphyr::Spanned::<Value>::deserialize(d)?;
        Ok(Node {
            value: s.value,
            line: u32::try_from(s.referenced.line()).unwrap_or(0),
            column: u32::try_from(s.referenced.column()).unwrap_or(0),
        })
    }
}

impl<'de> de::Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Value;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_none<E>(self) -> Result<Value, E> {
                Ok(Value::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
                <Value as de::Deserialize>::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
                Ok(Value::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
                Ok(Value::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
                Ok(Value::UInt(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
                Ok(Value::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Value, E> {
                Ok(Value::Str(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Value, E> {
                Ok(Value::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
                let mut v = Vec::new();
                while let Some(n) = seq.next_element::<Node>()? {
                    v.push(n);
                }
                Ok(Value::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = map.next_entry::<Node, Node>()? {
                    v.push(e);
                }
                Ok(Value::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------
// Reading JSON: serde_json checks the syntax (and its depth limit) first;
// this walk over text known to be valid only records where values start.

/// The tree of JSON text that serde_json has already accepted.
pub fn json_tree(text: &str) -> Node {
    let mut r = JsonReader {
        text,
        pos: 0,
        line: 1,
        column: 1,
    };
    r.value()
}

struct JsonReader<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
    column: u32,
}

impl JsonReader<'_> {
    fn peek(&self) -> u8 {
        self.text.as_bytes().get(self.pos).copied().unwrap_or(0)
    }

    fn bump(&mut self) {
        let b = self.peek();
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            // Columns count characters: continuation bytes add none.
            self.column += 1;
        }
    }

    fn ws(&mut self) {
        while matches!(self.peek(), b' ' | b'\t' | b'\n' | b'\r') {
            self.bump();
        }
    }

    fn value(&mut self) -> Node {
        self.ws();
        let (line, column, start) = (self.line, self.column, self.pos);
        let value = match self.peek() {
            b'{' => {
                self.bump();
                let mut m = Vec::new();
                self.ws();
                while !matches!(self.peek(), b'}' | 0) {
                    let k = self.value();
                    self.ws();
                    self.bump(); // ':'
                    let v = self.value();
                    m.push((k, v));
                    self.ws();
                    if self.peek() == b',' {
                        self.bump();
                        self.ws();
                    }
                }
                self.bump();
                Value::Map(m)
            }
            b'[' => {
                self.bump();
                let mut v = Vec::new();
                self.ws();
                while !matches!(self.peek(), b']' | 0) {
                    v.push(self.value());
                    self.ws();
                    if self.peek() == b',' {
                        self.bump();
                        self.ws();
                    }
                }
                self.bump();
                Value::Seq(v)
            }
            b'"' => {
                self.bump();
                while !matches!(self.peek(), b'"' | 0) {
                    if self.peek() == b'\\' {
                        self.bump();
                    }
                    self.bump();
                }
                self.bump();
                let raw = self.text.get(start..self.pos).unwrap_or("\"\"");
                Value::Str(serde_json::from_str(raw).unwrap_or_default())
            }
            b't' | b'f' | b'n' => {
                while self.peek().is_ascii_alphabetic() {
                    self.bump();
                }
                match self.text.get(start..self.pos) {
                    Some("true") => Value::Bool(true),
                    Some("false") => Value::Bool(false),
                    _ => Value::Null,
                }
            }
            0 => Value::Null,
            _ => {
                while matches!(self.peek(), b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
                    self.bump();
                }
                let raw = self.text.get(start..self.pos).unwrap_or("");
                if let Ok(n) = raw.parse::<i64>() {
                    Value::Int(n)
                } else if let Ok(n) = raw.parse::<u64>() {
                    Value::UInt(n)
                } else if raw.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                    Value::BigInt(raw.to_string())
                } else {
                    Value::Float(raw.parse().unwrap_or(f64::NAN))
                }
            }
        };
        Node {
            value,
            line,
            column,
        }
    }
}

// ---------------------------------------------------------------------------
// Deserializing the file model from a tree, with the path and place of the
// first problem met.

/// Why a value does not fit the file model: serde's message, the path below
/// the value deserialized (`.capacity`, `[2].lag`), and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub message: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    placed: bool,
}

impl ShapeError {
    /// Places the error at `node` unless a deeper value already did.
    fn at(mut self, node: &Node) -> Self {
        if !self.placed {
            self.placed = true;
            self.line = node.line;
            self.column = node.column;
        }
        self
    }

    fn under(mut self, seg: &str) -> Self {
        self.path.insert_str(0, seg);
        self
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShapeError {}

impl de::Error for ShapeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        ShapeError {
            message: msg.to_string(),
            path: String::new(),
            line: 0,
            column: 0,
            placed: false,
        }
    }
}

/// Deserializes `T` from a node; the error's path is relative to it.
pub fn from_node<T: de::DeserializeOwned>(node: &Node) -> Result<T, ShapeError> {
    T::deserialize(NodeDe(node))
}

/// `.key` for a path segment (`[k]` would be ambiguous for an id-like key).
fn key_seg(key: &Node) -> String {
    format!(".{}", key.text().unwrap_or_else(|| "?".into()))
}

struct NodeDe<'a>(&'a Node);

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = ShapeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        let node = self.0;
        let r = match &node.value {
            Value::Null => v.visit_unit(),
            Value::Bool(b) => v.visit_bool(*b),
            Value::Int(n) => v.visit_i64(*n),
            Value::UInt(n) => v.visit_u64(*n),
            Value::Float(x) => v.visit_f64(*x),
            Value::Str(s) => v.visit_str(s),
            Value::BigInt(raw) => Err(de::Error::custom(format!(
                "number `{raw}` does not fit in 64 bits"
            ))),
            Value::Seq(items) => v.visit_seq(Items { items, next: 0 }),
            Value::Map(entries) => v.visit_map(Entries { entries, next: 0 }),
        };
        r.map_err(|e| e.at(node))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        match self.0.value {
            Value::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    // YAML types a plain scalar by what is expected: `id: 42` is an id.
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        match (&self.0.value, self.0.value.scalar_text()) {
            (Value::Str(_), _) | (_, None) => self.deserialize_any(v),
            (_, Some(t)) => v.visit_string::<ShapeError>(t).map_err(|e| e.at(self.0)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, ShapeError> {
        self.deserialize_str(v)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, ShapeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, ShapeError> {
        match &self.0.value {
            Value::Str(s) => v
                .visit_enum(s.as_str().into_deserializer())
                .map_err(|e: ShapeError| e.at(self.0)),
            _ => self.deserialize_any(v),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes
        byte_buf unit unit_struct seq tuple tuple_struct map struct ignored_any
    }
}

struct Items<'a> {
    items: &'a [Node],
    next: usize,
}

impl<'de> SeqAccess<'de> for Items<'_> {
    type Error = ShapeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ShapeError> {
        let Some(node) = self.items.get(self.next) else {
            return Ok(None);
        };
        let i = self.next;
        self.next += 1;
        seed.deserialize(NodeDe(node))
            .map(Some)
            .map_err(|e| e.under(&format!("[{i}]")))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len() - self.next)
    }
}

struct Entries<'a> {
    entries: &'a [(Node, Node)],
    next: usize,
}

impl<'de> MapAccess<'de> for Entries<'_> {
    type Error = ShapeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ShapeError> {
        let Some((key, _)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(NodeDe(key))
            .map(Some)
            .map_err(|e| e.at(key).under(&key_seg(key)))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ShapeError> {
        let (key, value) = &self.entries[self.next];
        self.next += 1;
        seed.deserialize(NodeDe(value))
            .map_err(|e| e.under(&key_seg(key)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_places_every_value() {
        let t = json_tree("{\"a\": [1, \"é\", {\"b\": true}],\n  \"c\": null}");
        let a = t.find("a[2].b");
        assert_eq!((a.line, a.column, &a.value), (1, 22, &Value::Bool(true)));
        let c = t.find("c");
        assert_eq!((c.line, c.column), (2, 8));
        // A path that goes further than the document stops at what is there.
        assert_eq!(t.find("a[7].x").line, 1);
        assert_eq!(t.find("a[1]").value, Value::Str("é".into()));
    }

    #[test]
    fn shape_error_has_path_and_place() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            id: String,
            n: i64,
        }
        let t = json_tree("[{\"id\": 42, \"n\": 1},\n {\"id\": \"x\", \"n\": \"two\"}]");
        let ok: Vec<T> = from_node(&Node {
            value: Value::Seq(vec![t.find("[0]").clone()]),
            line: 1,
            column: 1,
        })
        .unwrap();
        assert_eq!(ok[0].id, "42", "a number where an id is expected is the id");
        let e = from_node::<Vec<T>>(&t).unwrap_err();
        assert_eq!(e.path, "[1].n");
        assert_eq!((e.line, e.column), (2, 19));
        assert!(e.message.contains("invalid type"), "{e}");
    }
}
