//! Enums the store keeps as their `as_str` text (CHECKed columns):
//! `sql_text!(Type)` gives a type with `as_str` and `parse` rusqlite's
//! `ToSql` and `FromSql`, so row mappers and parameters take the enum
//! itself. Invoked beside each enum's definition. `from_row!` builds a
//! struct from a row by column name. No table.

macro_rules! sql_text {
    ($ty:ty) => {
        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                let text = value.as_str()?;
                <$ty>::parse(text).ok_or_else(|| {
                    rusqlite::types::FromSqlError::Other(
                        format!("unknown {} {text:?}", stringify!($ty)).into(),
                    )
                })
            }
        }
    };
}
pub(crate) use sql_text;

/// Builds a struct from a row: each listed field is read from the column
/// of the same name (alias the column in SQL when it differs, so a
/// reordered SELECT cannot shift values into the wrong field), then the
/// fields after `;` are taken as given (`field: value`, or a local of the
/// field's name): `from_row!(row => Officer { id, username, full_name, role, active })`.
macro_rules! from_row {
    ($row:expr => $ty:ident { $($column:ident),* $(,)? $(; $($field:ident $(: $value:expr)?),* $(,)?)? }) => {
        $ty {
            $($column: $row.get(stringify!($column))?,)*
            $($($field $(: $value)?,)*)?
        }
    };
}
pub(crate) use from_row;

/// The first column of the one row `sql` finds; None when it finds none.
pub(crate) fn optional_value<T: rusqlite::types::FromSql>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Option<T>> {
    use rusqlite::OptionalExtension;
    conn.query_row(sql, params, |row| row.get(0)).optional()
}
