//! The metadata statements that change the datastore, with BitBake's
//! meaning (`parse/ast.py`): assignments with each of the eight operators,
//! with or without a flag and `export`, `export NAME`, `unset NAME` and
//! `unset NAME[flag]`.
//!
//! An assignment never expands its name, and reads only the variable's own
//! value (or the flag's own value) for `?=`, `+=`, `=+`, `.=` and `=.`:
//! overrides, queued operations and weak defaults play no part. `:=`
//! expands the value at once, against the datastore as it is. `??=` stores
//! a weak default (`_defaultval`, or `_defaultval_flag_FLAG` for a flag).

use super::history::Log;
use super::{AssignOp, DataStore, ExpansionError, NoPython, Provenance, PythonEvaluator};

/// BitBake's history name for an operator.
pub fn op_name(op: AssignOp) -> &'static str {
    match op {
        AssignOp::Set | AssignOp::WeakDefault => "set",
        AssignOp::Immediate => "immediate",
        AssignOp::Default => "set?",
        AssignOp::Append => "append",
        AssignOp::Prepend => "prepend",
        AssignOp::AppendNoSpace => "postdot",
        AssignOp::PrependNoSpace => "predot",
    }
}

impl DataStore {
    /// Applies `NAME[FLAG] OP "VALUE"` (with `export` in front if
    /// `exported`). It fails when `:=` cannot expand its value, and when the
    /// name is one `OVERRIDES` depends on and the new value cannot be
    /// expanded (see [`DataStore::set_var`]); the export flag, and in the
    /// second case the value, are set before the failure.
    pub fn apply_assignment(
        &mut self,
        name: &str,
        flag: Option<&str>,
        op: AssignOp,
        value: &str,
        exported: bool,
        prov: &Provenance,
    ) -> Result<(), ExpansionError> {
        self.apply_assignment_with(name, flag, op, value, exported, prov, &mut NoPython)
    }

    /// [`DataStore::apply_assignment`] with inline Python run by `py` (for
    /// `:=`).
    #[allow(clippy::too_many_arguments)]
    pub fn apply_assignment_with(
        &mut self,
        name: &str,
        flag: Option<&str>,
        op: AssignOp,
        value: &str,
        exported: bool,
        prov: &Provenance,
        py: &mut dyn PythonEvaluator,
    ) -> Result<(), ExpansionError> {
        if exported {
            self.apply_export(name, prov);
        }
        let own = || match flag {
            Some(f) => self.own_flag(name, f).unwrap_or_default(),
            None => self.own_content(name).unwrap_or_default(),
        };
        let new_value = match op {
            AssignOp::Set | AssignOp::WeakDefault => value.to_owned(),
            AssignOp::Default => {
                let current = match flag {
                    Some(f) => self.own_flag(name, f),
                    None => self.own_content(name),
                };
                current.unwrap_or(value).to_owned()
            }
            AssignOp::Immediate => {
                let context = format!("{name}[:=]");
                self.expand_with(value, Some(&context), py)?.value
            }
            AssignOp::Append => format!("{} {value}", own()),
            AssignOp::Prepend => format!("{value} {}", own()),
            AssignOp::AppendNoSpace => format!("{}{value}", own()),
            AssignOp::PrependNoSpace => format!("{value}{}", own()),
        };
        let weak = op == AssignOp::WeakDefault;
        let target_flag = match (flag, weak) {
            (Some(f), true) => Some(format!("_defaultval_flag_{f}")),
            (Some(f), false) => Some(f.to_owned()),
            (None, true) => Some("_defaultval".to_owned()),
            (None, false) => None,
        };
        let log = Log::new(prov, op_name(op)).with_detail(value);
        match target_flag {
            Some(f) => self.set_var_flag_logged(name, &f, new_value, Some(log), py),
            None => self.set_var_logged(name, new_value, true, Some(log), py),
        }
    }

    /// Applies `export NAME`: the `export` flag set to `1`.
    pub fn apply_export(&mut self, name: &str, prov: &Provenance) {
        let log = Log::new(prov, "exported");
        // Only a weak default can fail, never an export flag.
        let _ = self.set_var_flag_logged(name, "export", "1".to_owned(), Some(log), &mut NoPython);
    }

    /// Applies `unset NAME`.
    pub fn apply_unset(&mut self, name: &str, prov: &Provenance) {
        self.del_var(name, prov);
    }

    /// Applies `unset NAME[FLAG]`.
    pub fn apply_unset_flag(&mut self, name: &str, flag: &str, prov: &Provenance) {
        self.del_var_flag(name, flag, prov);
    }
}
