//! `hookcat keygen`: a new secret or key pair in the provider's format.

use crate::cli::KeygenArgs;
use crate::core::scheme::{lookup, GenericParams, KeyPair};
use crate::exit::Outcome;
use crate::output::{Io, Output};

pub fn run(a: KeygenArgs, out: &Output, io: &mut Io) -> anyhow::Result<Outcome> {
    let scheme = lookup(&a.scheme, &GenericParams::default())?;
    let kp = scheme.keygen();
    if a.json {
        let mut v = serde_json::to_value(&kp)?;
        v.as_object_mut()
            .expect("an object")
            .insert("scheme".into(), a.scheme.clone().into());
        io.json(&v)?;
        return Ok(Outcome::Success);
    }
    match kp {
        KeyPair::Secret { secret } => io.line(&secret)?,
        KeyPair::Pair {
            private_key,
            public_key,
        } => {
            io.line(&format!("private: {private_key}"))?;
            io.line(&format!("public:  {public_key}"))?;
            if out.stderr_tty {
                io.talk(format_args!(
                    "{}",
                    out.err
                        .dim("sign with the private key; receivers verify with the public key")
                ));
            }
        }
    }
    Ok(Outcome::Success)
}
