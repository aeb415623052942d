use super::*;

#[test]
fn hashes_are_argon2id_salted_and_verify_only_the_password() {
    let first = hash_password("mật khẩu đúng").unwrap();
    let second = hash_password("mật khẩu đúng").unwrap();
    assert!(first.starts_with("$argon2id$"), "{first}");
    assert_ne!(first, second, "each hash has its own salt");
    assert!(!first.contains("mật khẩu"));
    assert!(password_matches("mật khẩu đúng", &first));
    assert!(password_matches("mật khẩu đúng", &second));
    assert!(!password_matches("mật khẩu sai", &first));
    assert!(!password_matches("mật khẩu đúng", "not a hash"));
}

#[test]
fn lock_out_starts_after_five_failures_and_doubles_up_to_fifteen_minutes() {
    for failures in 0..FREE_FAILURES {
        assert_eq!(lock_out_after(failures), None);
    }
    assert_eq!(lock_out_after(5), Some(Duration::seconds(30)));
    assert_eq!(lock_out_after(6), Some(Duration::seconds(60)));
    assert_eq!(lock_out_after(8), Some(Duration::seconds(240)));
    assert_eq!(lock_out_after(10), Some(Duration::seconds(900)));
    assert_eq!(lock_out_after(1_000), Some(Duration::seconds(900)));
}

#[test]
fn usernames_are_plain_and_lower_case() {
    assert_eq!(check_username(" Hang.NT ").unwrap(), "hang.nt");
    let characters = Err(ProblemRule::UsernameCharacters);
    assert_eq!(check_username("hằng"), characters);
    assert_eq!(check_username("a b"), characters);
    assert_eq!(check_username(" "), Err(ProblemRule::Required));
}

fn refused_because(password: &str, username: &str, full_name: &str) -> Option<InputReason> {
    match check_new_password(password, username, full_name) {
        Ok(()) => None,
        Err(CoreError::InvalidInput { reason, .. }) => Some(reason),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[test]
fn passwords_need_twelve_characters_and_may_be_passphrases() {
    let short = refused_because("ngắn quá 10", "lan", "Lê Thị Lan");
    assert_eq!(short, Some(InputReason::PasswordTooShort));
    // Eleven characters, and twelve counted as characters, not bytes.
    assert_eq!(
        refused_because("abcdefghijk", "lan", "Lê Thị Lan"),
        Some(InputReason::PasswordTooShort)
    );
    assert_eq!(refused_because("đường về nhà", "lan", "Lê Thị Lan"), None);
    assert_eq!(
        refused_because("trâu ăn cỏ bên bờ đê", "lan", "Lê Thị Lan"),
        None
    );
}

#[test]
fn common_passwords_are_refused_in_any_case() {
    assert!(is_common_password("qwerty123456"));
    assert!(is_common_password("QWERTY123456"));
    assert!(is_common_password("password"));
    assert!(!is_common_password("trâu ăn cỏ bên bờ đê"));
    for password in [
        "qwerty123456",
        "Qwerty123456",
        "1qaz2wsx3edc",
        "123456654321",
    ] {
        assert_eq!(
            refused_because(password, "lan", "Lê Thị Lan"),
            Some(InputReason::PasswordCommon),
            "{password}"
        );
    }
}

#[test]
fn the_username_or_full_name_is_not_a_password() {
    assert_eq!(
        refused_because("nguyen.van.an", "nguyen.van.an", "Nguyễn Văn An"),
        Some(InputReason::PasswordIsName)
    );
    assert_eq!(
        refused_because("NGUYỄN VĂN AN", "an.nv", "Nguyễn Văn An"),
        Some(InputReason::PasswordIsName)
    );
    assert_eq!(
        refused_because("nguyenvanan!", "an.nv", "Nguyễn Văn An"),
        Some(InputReason::PasswordIsName)
    );
    assert_eq!(
        refused_because("nguyễn văn an 1975", "an.nv", "Nguyễn Văn An"),
        None
    );
}

#[test]
fn one_time_passwords_are_long_unambiguous_and_different() {
    let first = one_time_password();
    let second = one_time_password();
    assert_ne!(first, second);
    assert_eq!(first.len(), 19, "{first}");
    assert_eq!(first.matches('-').count(), 3);
    assert!(first
        .chars()
        .all(|c| c == '-' || ONE_TIME_ALPHABET.contains(&(c as u8))));
    assert!(check_new_password(&first, "lan", "Lê Thị Lan").is_ok());
}
