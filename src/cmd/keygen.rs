//! `hookcat keygen`: a new secret or key pair in the provider's format.

use crate::cli::KeygenArgs;
use crate::core::scheme::{lookup, GenericParams, KeyPair};
use crate::exit::Outcome;
use crate::output::{out_json, out_line, Output};

pub fn run(a: KeygenArgs, out: &Output) -> anyhow::Result<Outcome> {
    let scheme = lookup(&a.scheme, &GenericParams::default())?;
    let kp = scheme.keygen();
    if a.json {
        let mut v = serde_json::to_value(&kp)?;
        v.as_object_mut()
            .expect("an object")
            .insert("scheme".into(), a.scheme.clone().into());
        out_json(&v)?;
        return Ok(Outcome::Success);
    }
    match kp {
        KeyPair::Secret { secret } => out_line(&secret)?,
        KeyPair::Pair {
            private_key,
            public_key,
        } => {
            out_line(&format!("private: {private_key}"))?;
            out_line(&format!("public:  {public_key}"))?;
            if out.stderr_tty {
                eprintln!(
                    "{}",
                    out.err
                        .dim("sign with the private key; receivers verify with the public key")
                );
            }
        }
    }
    Ok(Outcome::Success)
}
