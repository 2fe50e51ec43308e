//! The generator's facts: a document for the schema, with absences, nulls
//! and provenance.

use super::*;

/// Makes the JSON value of one field.
type FieldGen<'d> = fn(&mut Gen<'d>) -> String;

impl<'d> Gen<'d> {
    fn leaf(&mut self, value: String) -> String {
        match self.below(10) {
            0 => "null".into(),
            1 => format!("{{\"value\": {value}, \"source\": \"gen\", \"as_of\": \"2025\"}}"),
            _ => value,
        }
    }

    fn int(&mut self) -> String {
        let v = self.pick(&INTS).to_string();
        self.leaf(v)
    }

    fn color(&mut self) -> String {
        let v = format!("\"{}\"", self.pick(&COLORS));
        self.leaf(v)
    }

    fn set(&mut self) -> String {
        let n = self.below(4);
        let items: Vec<String> = (0..n)
            .map(|_| format!("\"{}\"", self.pick(&COLORS)))
            .collect();
        self.leaf(format!("[{}]", items.join(",")))
    }

    fn boolean(&mut self) -> String {
        let v = self.pick(&["true", "false"]).to_string();
        self.leaf(v)
    }

    fn decimal(&mut self) -> String {
        let v = self.pick(&DECIMALS).to_string();
        self.leaf(v)
    }

    fn string(&mut self) -> String {
        let v = format!("\"{}\"", self.pick(&["a", "b", "c", "\\u00e9"]));
        self.leaf(v)
    }

    /// An object whose fields are each absent one time in five.
    fn object(&mut self, fields: &[(&str, FieldGen<'d>)]) -> String {
        let mut parts = Vec::new();
        for (name, make) in fields {
            if self.below(5) != 0 {
                parts.push(format!("\"{name}\": {}", make(self)));
            }
        }
        format!("{{{}}}", parts.join(", "))
    }

    fn sub(&mut self) -> String {
        self.object(&[("f", Gen::boolean), ("k", Gen::int)])
    }

    fn subs(&mut self) -> String {
        self.list_of(Gen::sub)
    }

    fn item(&mut self) -> String {
        self.object(&[
            ("ok", Gen::boolean),
            ("n", Gen::int),
            ("c", Gen::color),
            ("tags", Gen::set),
            ("sub", Gen::subs),
            ("w", Gen::decimal),
        ])
    }

    fn items(&mut self) -> String {
        self.list_of(Gen::item)
    }

    fn list_of(&mut self, make: FieldGen<'d>) -> String {
        if self.below(8) == 0 {
            return "null".into();
        }
        let n = if self.stress && self.below(4) == 0 {
            self.below(64)
        } else {
            self.below(5)
        };
        let items: Vec<String> = (0..n).map(|_| make(self)).collect();
        format!("[{}]", items.join(", "))
    }

    fn inner(&mut self) -> String {
        self.object(&[("z", Gen::boolean)])
    }

    fn rec(&mut self) -> String {
        if self.below(6) == 0 {
            return "null".into();
        }
        self.object(&[
            ("x", Gen::int),
            ("y", Gen::boolean),
            ("c", Gen::color),
            ("inner", Gen::inner),
        ])
    }

    /// A facts document for [`SCHEMA`], with absences, nulls and provenance.
    pub fn facts(&mut self) -> String {
        self.object(&[
            ("b1", Gen::boolean),
            ("b2", Gen::boolean),
            ("i1", Gen::int),
            ("i2", Gen::int),
            ("d1", Gen::decimal),
            ("s1", Gen::string),
            ("e1", Gen::color),
            ("e2", Gen::color),
            ("set1", Gen::set),
            ("set2", Gen::set),
            ("rec", Gen::rec),
            ("items", Gen::items),
            ("others", Gen::items),
        ])
    }
}
