//! Tests of the datastore, one per behaviour. Most rewrite the cases of
//! BitBake's own datastore tests; every expected value was checked against
//! BitBake's `DataSmart` (or its parser, for statements) before being
//! written down.

mod assign;
mod concat;
mod expansion;
mod flags;
mod keys;
mod overrides;

use super::{DataStore, Provenance, PythonEvaluator};

fn here() -> Provenance {
    Provenance::new("test.conf", 1)
}

/// A datastore with these variables set, in order, as plain `setVar` does.
fn store(pairs: &[(&str, &str)]) -> DataStore {
    let mut d = DataStore::new();
    for (name, value) in pairs {
        set(&mut d, name, value);
    }
    d
}

fn set(d: &mut DataStore, name: &str, value: &str) {
    d.set_var(name, value, false, &here()).unwrap();
}

fn get(d: &DataStore, name: &str) -> Option<String> {
    d.get_var(name, true).unwrap()
}

fn raw(d: &DataStore, name: &str) -> Option<String> {
    d.get_var(name, false).unwrap()
}

fn keys(d: &DataStore) -> Vec<String> {
    d.keys().unwrap()
}

/// A stand-in for Python: a table from expression to result, and the
/// expressions it was asked for.
struct Table {
    answers: Vec<(&'static str, &'static str)>,
    asked: Vec<String>,
}

impl Table {
    fn new(answers: &[(&'static str, &'static str)]) -> Self {
        Table { answers: answers.to_vec(), asked: Vec::new() }
    }
}

impl PythonEvaluator for Table {
    fn eval(&mut self, code: &str, _ds: &DataStore) -> Result<String, String> {
        self.asked.push(code.to_owned());
        match self.answers.iter().find(|(c, _)| *c == code) {
            Some((_, "!error")) => {
                Err("ValueError: invalid literal for int() with base 10: 'test'".to_owned())
            }
            Some((_, answer)) => Ok((*answer).to_owned()),
            None => Err(format!("NameError: no answer for {code}")),
        }
    }
}

#[test]
fn datastore_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<DataStore>();
}
