//! The province's supervision page (`crate::province`) over HTTP: `GET
//! /province` (the sign-in form, or the province's table), `POST
//! /province/login` and `/province/logout`, `GET /province/communes/{code}`
//! (a commune's overdue cases) and `GET /province/export.xlsx`. Each reads
//! the request, calls one `province` function on the blocking pool, and
//! answers the page. Pages hold personal data: never cached, never framed,
//! no script.

use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use super::blocking;
use crate::error::Failure;
use crate::province::figures::{ProvinceTable, SortBy};
use crate::province::labels::{labels, Lang};
use crate::province::{self, page, SESSION_COOKIE, SESSION_LENGTH};
use crate::state::App;
use crate::storage::ProvinceOfficer;

/// The longest login and password the form takes.
const MAX_LOGIN: usize = 64;
const MAX_PASSWORD: usize = 256;

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    login: String,
    password: String,
}

/// The session cookie's value, if the request carries one.
fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; \
                     frame-ancestors 'none'",
                ),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
        body,
    )
        .into_response()
}

fn rendered(status: StatusCode, page: Result<String, minijinja::Error>) -> Response {
    match page {
        Ok(body) => html(status, body),
        Err(error) => Failure::internal(error).into_response(),
    }
}

fn see_other(location: String, cookie: Option<String>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response();
    if let Some(cookie) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// The cookie of a new session (`Secure` when the registry is reached over
/// HTTPS: its own TLS, or a proxy's).
fn session_cookie(app: &App, value: &str, max_age: i64) -> String {
    let secure = if app.secure_cookies { "; Secure" } else { "" };
    format!(
        "{SESSION_COOKIE}={value}; Path=/province; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    )
}

/// The signed-in officer, or the sign-in page to answer instead (a
/// workstation's bearer token counts for nothing here).
async fn officer(
    app: &Arc<App>,
    headers: &HeaderMap,
    lang: Lang,
) -> Result<ProvinceOfficer, Response> {
    let signed_in = match session_token(headers) {
        None => None,
        Some(token) => {
            let storage = app.storage.clone();
            blocking(move || {
                province::signed_in(storage.as_ref(), &token, Utc::now()).map_err(Failure::internal)
            })
            .await
            .map_err(IntoResponse::into_response)?
        }
    };
    signed_in.ok_or_else(|| rendered(StatusCode::UNAUTHORIZED, page::login(lang, false)))
}

fn period(query: &PageQuery) -> Result<(NaiveDate, NaiveDate), ()> {
    let (default_from, default_to) = province::default_period(Utc::now());
    let parse = |text: &Option<String>, default: NaiveDate| match text.as_deref() {
        None | Some("") => Ok(default),
        Some(text) => text.parse::<NaiveDate>().map_err(|_| ()),
    };
    let (from, to) = (
        parse(&query.from, default_from)?,
        parse(&query.to, default_to)?,
    );
    if from > to {
        return Err(());
    }
    Ok((from, to))
}

/// The signed-in officer, the period asked for and the province's table
/// over it (the page and its export show the same), or the answer to give
/// instead (the sign-in page; 400 for a period backwards or unreadable).
async fn read_table(
    app: &Arc<App>,
    headers: &HeaderMap,
    query: &PageQuery,
    lang: Lang,
) -> Result<(ProvinceOfficer, (NaiveDate, NaiveDate), ProvinceTable), Response> {
    let officer = officer(app, headers, lang).await?;
    let period = period(query)
        .map_err(|()| Failure::bad_request(labels(lang).bad_period).into_response())?;
    let storage = app.storage.clone();
    let reader = officer.clone();
    let table = blocking(move || {
        province::province_table(storage.as_ref(), &reader, period, Utc::now())
            .map_err(Failure::internal)
    })
    .await
    .map_err(IntoResponse::into_response)?;
    Ok((officer, period, table))
}

pub async fn page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let (officer, period, table) = match read_table(&app, &headers, &query, lang).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let sort = query
        .sort
        .as_deref()
        .and_then(SortBy::parse)
        .unwrap_or(SortBy::Overdue);
    rendered(
        StatusCode::OK,
        page::table(lang, &officer, &table, period, sort),
    )
}

pub async fn sign_in(
    State(app): State<Arc<App>>,
    Query(query): Query<PageQuery>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    // A form without its fields, or with overlong ones, is a failed sign-in.
    let Ok(Form(form)) = form else {
        return rendered(StatusCode::UNAUTHORIZED, page::login(lang, true));
    };
    if form.login.len() > MAX_LOGIN || form.password.len() > MAX_PASSWORD {
        return rendered(StatusCode::UNAUTHORIZED, page::login(lang, true));
    }
    let storage = app.storage.clone();
    let session = blocking(move || {
        province::sign_in(storage.as_ref(), &form.login, &form.password, Utc::now())
            .map_err(Failure::internal)
    })
    .await;
    match session {
        Ok(Some(session)) => {
            tracing::info!(officer = %session.officer.id, "provincial officer signed in");
            let cookie = session_cookie(&app, &session.token, SESSION_LENGTH.num_seconds());
            see_other(
                format!("/province?lang={}", labels(lang).lang),
                Some(cookie),
            )
        }
        Ok(None) => rendered(StatusCode::UNAUTHORIZED, page::login(lang, true)),
        Err(failure) => failure.into_response(),
    }
}

pub async fn sign_out(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if let Some(token) = session_token(&headers) {
        let storage = app.storage.clone();
        let closed = blocking(move || {
            province::sign_out(storage.as_ref(), &token).map_err(Failure::internal)
        })
        .await;
        if let Err(failure) = closed {
            return failure.into_response();
        }
    }
    see_other("/province".to_owned(), Some(session_cookie(&app, "", 0)))
}

pub async fn commune(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let officer = match officer(&app, &headers, lang).await {
        Ok(officer) => officer,
        Err(page) => return page,
    };
    let storage = app.storage.clone();
    let reader = officer.clone();
    let overdue = blocking(move || {
        province::commune_overdue(storage.as_ref(), &reader, &code, Utc::now())
            .map_err(Failure::internal)
    })
    .await;
    match overdue {
        Ok(Some(overdue)) => rendered(StatusCode::OK, page::commune(lang, &officer, &overdue)),
        // Another province's commune, or none: nothing of it is shown.
        Ok(None) => {
            Failure::new(StatusCode::NOT_FOUND, "not_found", "no such commune here").into_response()
        }
        Err(failure) => failure.into_response(),
    }
}

pub async fn export(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<PageQuery>,
) -> Response {
    let lang = Lang::parse(query.lang.as_deref());
    let (officer, period, table) = match read_table(&app, &headers, &query, lang).await {
        Ok(read) => read,
        Err(answer) => return answer,
    };
    let province_code = officer.province.clone();
    let workbook = blocking(move || {
        let name = province::province_name(&officer.province);
        province::xlsx::workbook(lang, name, &table, period).map_err(Failure::internal)
    })
    .await;
    match workbook {
        Ok(bytes) => {
            let file = format!(
                "attachment; filename=\"giam-sat-tinh-{province_code}-{}-{}.xlsx\"",
                period.0, period.1
            );
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (header::CONTENT_DISPOSITION, file),
                    (header::CACHE_CONTROL, "no-store".to_owned()),
                ],
                bytes,
            )
                .into_response()
        }
        Err(failure) => failure.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others_and_an_empty_one_is_none() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; hotich_province=abc123; x=y"),
        );
        assert_eq!(session_token(&headers).as_deref(), Some("abc123"));
        let mut empty = HeaderMap::new();
        empty.insert(header::COOKIE, HeaderValue::from_static("hotich_province="));
        assert_eq!(session_token(&empty), None);
        assert_eq!(session_token(&HeaderMap::new()), None);
    }
}
