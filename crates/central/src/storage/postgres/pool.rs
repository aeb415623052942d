//! The PostgreSQL store's connections: the r2d2 manager that opens them and
//! [`Db`], a connection (or transaction) that prepares each statement once.

use std::collections::HashMap;

use ::postgres::types::ToSql;
use ::postgres::{Client, GenericClient, NoTls, Row, Statement, Transaction};

use super::super::Result;
use super::tls::Connector;

/// Opens the pool's connections: rust-postgres's blocking client (over
/// TLS as `tls.rs` decides) and an empty statement cache.
#[derive(Debug)]
pub(super) struct Manager {
    pub(super) config: ::postgres::Config,
    pub(super) connector: Connector,
}

/// A pooled connection and the statements it has prepared.
pub(super) struct Connection {
    pub(super) client: Client,
    pub(super) statements: HashMap<&'static str, Statement>,
}

impl Connection {
    pub(super) fn db(&mut self) -> Db<'_, Client> {
        Db {
            client: &mut self.client,
            statements: &mut self.statements,
        }
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = Connection;
    type Error = ::postgres::Error;

    fn connect(&self) -> Result<Connection, ::postgres::Error> {
        let client = match &self.connector {
            Connector::Plain => self.config.connect(NoTls)?,
            Connector::Verified(tls) => self.config.connect(tls.clone())?,
        };
        Ok(Connection {
            client,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<(), ::postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Connection) -> bool {
        conn.client.is_closed()
    }
}

/// A connection (or a transaction on it) whose statements are prepared
/// once: the same calls as the client's, each SQL text a `'static` key.
pub(super) struct Db<'a, C> {
    pub(super) client: &'a mut C,
    pub(super) statements: &'a mut HashMap<&'static str, Statement>,
}

/// A transaction's [`Db`].
pub(super) type Tx<'a, 'b> = Db<'a, Transaction<'b>>;

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<C: GenericClient> Db<'_, C> {
    /// The statement of `sql`, prepared on this connection the first time.
    /// (A statement prepared in a transaction outlives it: PostgreSQL's
    /// prepared statements belong to the session.)
    fn prepared(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    pub(super) fn query(&mut self, sql: &'static str, params: Params<'_>) -> Result<Vec<Row>> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query(&statement, params)?)
    }

    pub(super) fn query_one(&mut self, sql: &'static str, params: Params<'_>) -> Result<Row> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query_one(&statement, params)?)
    }

    pub(super) fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>> {
        let statement = self.prepared(sql)?;
        Ok(self.client.query_opt(&statement, params)?)
    }

    pub(super) fn execute(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64> {
        let statement = self.prepared(sql)?;
        Ok(self.client.execute(&statement, params)?)
    }

    pub(super) fn batch_execute(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }
}
