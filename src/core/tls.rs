//! TLS for the listener: a self-signed certificate made at start with rcgen (for
//! localhost and 127.0.0.1), or the user's own PEM files; its SHA-256 fingerprint.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sha2::Digest;

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("making a self-signed certificate: {0}")]
    Generate(String),
    #[error("reading `{path}`: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("TLS setup: {0}")]
    Config(String),
}

/// What the listener serves with.
pub struct TlsSetup {
    pub acceptor: tokio_rustls::TlsAcceptor,
    /// Where the certificate is (the generated one is written next to the captures).
    pub cert_path: PathBuf,
    /// SHA-256 of the leaf certificate (DER), colon-separated hex.
    pub fingerprint: String,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn fingerprint(der: &[u8]) -> String {
    sha2::Sha256::digest(der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn acceptor(
    certs: Vec<rustls::pki_types::CertificateDer<'static>>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> Result<tokio_rustls::TlsAcceptor, TlsError> {
    let cfg = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(cfg)))
}

/// A fresh self-signed certificate, written as PEM to `dir/hookcat-cert.pem`.
pub fn self_signed(dir: &Path) -> Result<TlsSetup, TlsError> {
    let ck = rcgen::generate_simple_self_signed(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .map_err(|e| TlsError::Generate(e.to_string()))?;
    let der = ck.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.signing_key.serialize_der().into());
    super::log::create_private_dirs(dir).map_err(|e| TlsError::Read {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    let cert_path = dir.join("hookcat-cert.pem");
    std::fs::write(&cert_path, ck.cert.pem()).map_err(|e| TlsError::Read {
        path: cert_path.clone(),
        reason: e.to_string(),
    })?;
    Ok(TlsSetup {
        fingerprint: fingerprint(&der),
        acceptor: acceptor(vec![der], key)?,
        cert_path,
    })
}

/// The user's own certificate chain and key (PEM).
pub fn from_files(cert: &Path, key: &Path) -> Result<TlsSetup, TlsError> {
    let read = |p: &Path| {
        std::fs::read(p).map_err(|e| TlsError::Read {
            path: p.to_path_buf(),
            reason: e.to_string(),
        })
    };
    let cert_pem = read(cert)?;
    let key_pem = read(key)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut &cert_pem[..])
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::Read {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        })?;
    if certs.is_empty() {
        return Err(TlsError::Read {
            path: cert.to_path_buf(),
            reason: "no certificate in it".into(),
        });
    }
    let k = rustls_pemfile::private_key(&mut &key_pem[..])
        .map_err(|e| TlsError::Read {
            path: key.to_path_buf(),
            reason: e.to_string(),
        })?
        .ok_or_else(|| TlsError::Read {
            path: key.to_path_buf(),
            reason: "no private key in it".into(),
        })?;
    Ok(TlsSetup {
        fingerprint: fingerprint(&certs[0]),
        acceptor: acceptor(certs, k)?,
        cert_path: cert.to_path_buf(),
    })
}
