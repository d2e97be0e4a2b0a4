//! Fresh per-attempt randomness: PKCE verifier/challenge (RFC 7636) and `state` (RFC 6749 §10.12).
//! Pure functions; the OS CSPRNG is the only input.
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::secret::{PkceVerifier, State};

/// RFC 7636 §4.1: 43–128 chars of [A-Za-z0-9-._~]; 48 random bytes → 64 base64url chars
/// (384 bits, well over the 256 the RFC recommends).
pub fn new_verifier() -> PkceVerifier {
    PkceVerifier::new(random_b64url(48).as_str())
}

/// RFC 7636 §4.2, S256: BASE64URL(SHA256(ASCII(verifier))) without padding.
pub fn challenge_s256(verifier: &PkceVerifier) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose_secret().as_bytes()))
}

/// 256 random bits: far beyond the ≥128 bits a guessable-state attack would need.
pub fn new_state() -> State {
    State::new(random_b64url(32).as_str())
}

fn random_b64url(len: usize) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new(vec![0u8; len]);
    rand::rng().fill_bytes(&mut bytes);
    Zeroizing::new(URL_SAFE_NO_PAD.encode(&*bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifier_meets_rfc_7636() {
        let v = new_verifier();
        let s = v.expose_secret();
        assert!((43..=128).contains(&s.len()), "{}", s.len());
        assert!(s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)));
        assert_ne!(s, new_verifier().expose_secret(), "fresh per attempt");
    }

    #[test]
    fn challenge_matches_rfc_7636_appendix_b() {
        let v = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge_s256(&v),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn state_is_long_and_fresh() {
        let a = new_state();
        assert!(a.expose_secret().len() >= 43);
        assert!(!a.matches(new_state().expose_secret()));
    }
}
