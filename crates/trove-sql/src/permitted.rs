//! The permission filter as SQL: the one condition reads AND in, so a page, its
//! count and the trash agree with what a caller may see.

use trove_domain::access::{PermissionFilter, Targets};

use crate::overlay::Val;

/// `targets` as a condition over a row's UID column and folder column, binding
/// values into `vals` (parameters numbered from `vals.len() + 1 + offset`).
fn holds<'a>(t: &'a Targets, uid: &str, folder: &str, vals: &mut Vec<Val<'a>>, offset: usize) -> String {
    if t.all {
        return "1 = 1".to_owned();
    }
    let mut parts = Vec::new();
    let mut list = |col: &str, items: &'a std::collections::BTreeSet<String>, vals: &mut Vec<Val<'a>>| {
        if items.is_empty() {
            return;
        }
        let params: Vec<String> = items
            .iter()
            .map(|i| {
                vals.push(Val::Text(Some(i.as_str())));
                crate::dialect::param(vals.len() + offset)
            })
            .collect();
        parts.push(format!("{col} IN ({})", params.join(", ")));
    };
    list(folder, &t.folders, vals);
    list(uid, &t.assets, vals);
    if parts.is_empty() { "1 = 0".to_owned() } else { format!("({})", parts.join(" OR ")) }
}

/// ` AND (…)`: the filter admits the row whose UID is `uid` and whose folder is
/// `folder` (an expression; a folder row passes its own UID). Values go to `vals`,
/// numbered after the `offset` parameters the statement binds before them.
pub(crate) fn and_permitted<'a>(
    f: &'a PermissionFilter,
    uid: &str,
    folder: &str,
    vals: &mut Vec<Val<'a>>,
    offset: usize,
) -> String {
    // A row at the root has no folder: NULL IN (…) is not true, which is right for
    // what is allowed, and compared as '' under NOT (…) so an exception does not
    // hide it. The allowed part stays a plain IN, which the folder index serves.
    let at_root_as_empty = format!("COALESCE({folder}, '')");
    let mut any = Vec::new();
    for a in &f.any_of {
        let allow = holds(&a.allow, uid, folder, vals, offset);
        let deny = holds(&a.deny, uid, &at_root_as_empty, vals, offset);
        any.push(if deny == "1 = 0" { allow } else { format!("({allow} AND NOT {deny})") });
    }
    if any.is_empty() { " AND 1 = 0".to_owned() } else { format!(" AND ({})", any.join(" OR ")) }
}
