//! The command line: global options, the `Command` enum and one `Args` struct per
//! subcommand (clap derive), with the argument groups several share flattened into
//! them. The `///` comments are the help text. clap parses each value into its type
//! (durations, sizes, rates, CIDRs, status codes, headers; `HOOKCAT_*` variables
//! through `env`), so a bad one is a usage error naming the flag and the commands
//! receive typed values.

use std::path::PathBuf;
use std::time::Duration;

use clap::error::{ContextKind, ContextValue};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::core::headers::header_arg;
use crate::core::server::Cidr;
use crate::core::units::{duration, Rate, Size};

pub const EXIT_CODES: &str = "\
Exit codes:
  0    success (valid signature, delivered, expectation met)
  1    a negative answer (signature invalid, not delivered, expectation not met)
  2    usage, configuration or input error
  130  interrupted (Ctrl-C or SIGTERM)";

/// A webhook developer toolkit: send, listen, sign, verify and replay webhooks of every provider.
#[derive(Debug, Parser)]
#[command(name = "hookcat", version, propagate_version = true, after_help = EXIT_CODES, max_term_width = 100)]
pub struct Cli {
    /// When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

// Made once per run: the size of its largest variant costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode.
    Send(SendArgs),
    /// Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward.
    Listen(ListenArgs),
    /// Print the signature headers a provider would send for a body.
    Sign(SignArgs),
    /// Verify a webhook signature, and say why it fails.
    Verify(VerifyArgs),
    /// Replay captured requests, byte-exact or re-signed, to a URL.
    Replay(ReplayArgs),
    /// List and show the built-in event catalog.
    #[command(subcommand)]
    Events(EventsCommand),
    /// List, show, export, compare and prune captured requests.
    #[command(subcommand)]
    Captures(CapturesCommand),
    /// Open the inspector (a local web page) over a capture log: browse, replay, export, compare.
    Ui(UiArgs),
    /// Generate a secret or key pair in a provider's format.
    Keygen(KeygenArgs),
    /// Show the whole loop: a listener, a sender, valid, tampered and retried deliveries.
    Demo(DemoArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish).
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake.
    Check(CheckArgs),
}

/// Where the secret comes from. Exactly one is needed where signing or verifying.
#[derive(Debug, Clone, Default, Args)]
pub struct SecretArgs {
    /// Read the secret from this environment variable (best in CI).
    #[arg(long, value_name = "VAR", group = "secret_source")]
    pub secret_env: Option<String>,
    /// Read the secret from a file; one trailing newline is stripped.
    #[arg(long, value_name = "PATH", group = "secret_source")]
    pub secret_file: Option<PathBuf>,
    /// The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file.
    #[arg(long, value_name = "VALUE", group = "secret_source")]
    pub secret: Option<String>,
}

/// Settings of the `generic` scheme.
#[derive(Debug, Clone, Args)]
pub struct GenericArgs {
    /// generic scheme: the hash (sha1, sha256, sha512).
    #[arg(long, value_enum, default_value_t = HashAlg::Sha256, value_name = "ALG")]
    pub algorithm: HashAlg,
    /// generic scheme: how the MAC is written (hex or base64).
    #[arg(long, value_enum, default_value_t = SigEncoding::Hex, value_name = "ENC")]
    pub encoding: SigEncoding,
    /// generic scheme: the header that carries the signature.
    #[arg(long, default_value = "X-Signature", value_name = "NAME")]
    pub header_name: String,
    /// generic scheme: a literal prefix before the signature, e.g. `sha256=`.
    #[arg(long, default_value = "", value_name = "TEXT")]
    pub prefix: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HashAlg {
    Sha1,
    Sha256,
    Sha512,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SigEncoding {
    Hex,
    Base64,
}

/// What `sign` and `verify` share: the key, the URL for schemes that sign it, the body.
#[derive(Debug, Clone, Args)]
pub struct SignatureArgs {
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub generic: GenericArgs,
    /// The URL the request goes to (Twilio and Square sign it), whole: `https://…`.
    #[arg(long, value_name = "URL", value_parser = signed_url)]
    pub url: Option<String>,
    /// The body: a file, or `-` for standard input.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

/// Sign a body as a provider would.
///
/// Example: hookcat sign --scheme stripe --secret-env STRIPE_WEBHOOK_SECRET payload.json
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct SignArgs {
    /// The signature scheme (see `hookcat sign --help` for the list).
    #[arg(long, value_parser = scheme_names())]
    pub scheme: String,
    #[command(flatten)]
    pub signature: SignatureArgs,
    /// The timestamp to sign, in unix seconds (default: now).
    #[arg(long, value_name = "UNIX", allow_negative_numbers = true)]
    pub timestamp: Option<i64>,
    /// The message / delivery id to sign (default: a fresh one).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// Print the headers as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Say more on stderr.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Verify a signature: exit 0 when valid, 1 when not (with the likely cause), 2 on bad input.
///
/// Example: hookcat verify --scheme auto --secret-env SECRET -H 'Stripe-Signature: t=…,v1=…' body.json
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct VerifyArgs {
    /// The signature scheme, or `auto` to detect it from the headers.
    #[arg(long, value_parser = scheme_names_or_auto())]
    pub scheme: String,
    #[command(flatten)]
    pub signature: SignatureArgs,
    /// A request header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = header_arg)]
    pub headers: Vec<(String, String)>,
    /// Read headers from a file: a raw HTTP header block, or a capture record (JSON).
    #[arg(long, value_name = "PATH")]
    pub headers_file: Option<PathBuf>,
    /// Check timestamps against this time (unix seconds) instead of the clock.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<i64>,
    /// Timestamp tolerance in seconds, overriding the provider's (0 turns the check off).
    #[arg(long, value_name = "SECS")]
    pub tolerance: Option<u64>,
    /// Print the verdict, scheme, matched signature and diagnosis as JSON.
    #[arg(long)]
    pub json: bool,
    /// Say more: the verdict also when valid, where the secret came from.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Generate a new secret or key pair in the provider's format.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The scheme whose secret or key pair to make.
    #[arg(long, value_parser = scheme_names())]
    pub scheme: String,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

/// How each request is delivered: what `send` and `replay` share.
#[derive(Debug, Clone, Default, Args)]
pub struct DeliveryArgs {
    /// Per-attempt timeout. [default: 10s]
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,
    /// Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]
    #[arg(long, value_name = "N", value_parser = whole_number)]
    pub retries: Option<u32>,
    /// Accept any TLS certificate (for a self-signed local receiver).
    #[arg(short = 'k', long)]
    pub insecure: bool,
}

/// Send an event to URL.
///
/// Examples:
///   hookcat send http://localhost:3000/webhooks --event github.push --secret-env GH_SECRET
///   hookcat send http://localhost:3000/hook --data body.json --scheme stripe --secret-env S --retries 3
///   hookcat send http://localhost:3000/hook --event stripe.invoice.paid --count 1000 --concurrency 20
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
#[command(
    mut_arg("timeout", |a| a
        .env("HOOKCAT_TIMEOUT")
        .help("Per-attempt timeout (or a config target's `timeout`). [default: 10s]")),
    mut_arg("retries", |a| a.env("HOOKCAT_RETRIES"))
)]
#[command(group(clap::ArgGroup::new("shows_headers").args(["dry_run", "print", "verbose"]).multiple(true)))]
pub struct SendArgs {
    /// Where to send: an http(s) URL, or as curl takes it (`localhost:3000/hook`, `:3000/hook`, `3000`, `/hook`; http:// is assumed).
    #[arg(value_name = "URL", env = "HOOKCAT_URL", hide_env_values = true, value_parser = http_url)]
    pub url: Option<String>,
    /// A catalog event, `provider.event` (see `hookcat events list`).
    #[arg(short, long, value_name = "NAME", conflicts_with = "data")]
    pub event: Option<String>,
    /// Send this body instead of an event: a file, or `-` for standard input.
    #[arg(short, long, value_name = "FILE")]
    pub data: Option<String>,
    /// The Content-Type of --data (default: guessed from the body).
    #[arg(long, value_name = "TYPE", requires = "data", conflicts_with = "event")]
    pub content_type: Option<String>,
    /// Change a field of the body: a dotted path or JSON pointer that exists; VALUE is JSON if it parses, else a string.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Add a field to the body (creating the objects on its path), as --set does for one that exists.
    #[arg(long = "add", value_name = "PATH=VALUE")]
    pub adds: Vec<String>,
    /// Add a header, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = header_arg)]
    pub headers: Vec<(String, String)>,
    /// The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event's, or POST).
    #[arg(short = 'X', long = "method", value_name = "METHOD", value_parser = http_method)]
    pub method: Option<String>,
    /// Sign with this scheme instead of the event's provider scheme (`none` sends unsigned).
    #[arg(long, env = "HOOKCAT_SCHEME", value_parser = scheme_names_or_none())]
    pub scheme: Option<String>,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub generic: GenericArgs,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    /// Trust this CA certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Print exactly what would be sent and send nothing.
    #[arg(long, conflicts_with_all = ["count", "json"])]
    pub dry_run: bool,
    /// Print an equivalent command instead of sending.
    #[arg(long, value_enum, value_name = "FORMAT", conflicts_with_all = ["count", "json"])]
    pub print: Option<PrintFormat>,
    /// Show credential headers (Authorization, Cookie, X-Api-Key, …) in --dry-run, --print curl and -v instead of masking them.
    #[arg(long, requires = "shows_headers")]
    pub reveal: bool,
    /// Load mode: send N requests.
    #[arg(short = 'n', long, value_name = "N", value_parser = positive_u64)]
    pub count: Option<u64>,
    /// Load mode (with --count): requests in flight at once. [default: 10]
    #[arg(short = 'c', long, value_name = "C", value_parser = positive_usize, requires = "count")]
    pub concurrency: Option<usize>,
    /// Load mode (with --count): at most R requests per second (`100`, `100/s` or `6000/m`).
    #[arg(long, value_name = "R/s", requires = "count")]
    pub rate: Option<Rate>,
    /// One JSON object per attempt, then a summary (load mode: the summary alone).
    #[arg(long)]
    pub json: bool,
    /// Show response headers and the whole response body.
    #[arg(short, long)]
    pub verbose: bool,
    /// Never prompt, even on a terminal.
    #[arg(long)]
    pub no_input: bool,
    #[command(flatten)]
    pub target: TargetArgs,
}

/// Where `send` and `check` may take their URL, scheme, event and secret from: a named
/// target of a config file.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// A config file (default: ./hookcat.toml, then the user's config dir).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A named target from the config file (`[targets.NAME]`).
    #[arg(short = 't', long = "target", id = "target", value_name = "NAME")]
    pub name: Option<String>,
}

/// Check that a webhook receiver verifies, refuses, answers and survives as it must.
///
/// Sends deliveries built as the provider builds them, each changed in one precise way
/// (unsigned, wrong secret, tampered, stale, retried, rotated secrets, ...), and judges
/// each answer: pass, fail, warn or n/a (with the reason). `--list` shows the cases.
/// Nothing is sent anywhere but URL; the secret is never printed.
///
/// Examples:
///   hookcat check http://localhost:3000/webhooks --scheme stripe --secret-env STRIPE_SECRET
///   hookcat check http://localhost:3000/gh --event github.push --secret-env GH --skip latency
///   hookcat check --target staging --json --strict        (in CI)
#[derive(Debug, Args)]
#[command(after_help = CHECK_EXIT_CODES)]
pub struct CheckArgs {
    /// The receiver's URL: an http(s) URL, or as curl takes it (`localhost:3000/hook`,
    /// `:3000/hook`, `3000`, `/hook`; http:// is assumed).
    #[arg(value_name = "URL", value_parser = http_url)]
    pub url: Option<String>,
    /// The provider's scheme (default: the event's).
    #[arg(long, value_parser = scheme_names())]
    pub scheme: Option<String>,
    /// The catalog event the deliveries carry (default: the scheme's first event).
    #[arg(short, long, value_name = "NAME")]
    pub event: Option<String>,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub generic: GenericArgs,
    /// Add a header to every request, `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER", value_parser = header_arg)]
    pub headers: Vec<(String, String)>,
    /// The URL the provider calls, when not URL (a proxy, a tunnel), for schemes that sign the URL (Twilio, Square); whole: `https://…`.
    #[arg(long, value_name = "URL", value_parser = signed_url)]
    pub public_url: Option<String>,
    /// Use this instead of the provider's delivery timeout.
    #[arg(long, value_name = "DURATION", value_parser = duration)]
    pub timeout: Option<Duration>,
    /// The latency case: how many deliveries.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = positive_usize)]
    pub requests: usize,
    /// The latency case: how many at once.
    #[arg(long, value_name = "C", default_value_t = 5, value_parser = positive_usize)]
    pub concurrency: usize,
    /// Run only these cases (comma-separated or repeated).
    #[arg(long, value_name = "CASE", value_delimiter = ',', value_parser = check_case_names())]
    pub only: Vec<String>,
    /// Skip these cases (comma-separated or repeated).
    #[arg(long, value_name = "CASE", value_delimiter = ',', value_parser = check_case_names())]
    pub skip: Vec<String>,
    /// Count warnings as failures.
    #[arg(long)]
    pub strict: bool,
    /// List the cases and send nothing.
    #[arg(long)]
    pub list: bool,
    /// One JSON document with every case and a summary.
    #[arg(long)]
    pub json: bool,
    /// Accept any TLS certificate (for a self-signed local receiver).
    #[arg(short = 'k', long)]
    pub insecure: bool,
    /// Trust this CA certificate (PEM).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    #[command(flatten)]
    pub target: TargetArgs,
}

pub const CHECK_EXIT_CODES: &str = "\
Exit codes:
  0    no case failed (with --strict: none warned either)
  1    a case failed, or the receiver could not be reached (one line says why)
  2    usage, configuration or input error";

fn check_case_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::core::check::CASES.iter().map(|c| c.name))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrintFormat {
    Curl,
}

// `hookcat listen --help` in groups: each flag names its heading (a flag added later
// names one too, or lands under "Options" with --port and --host).
const VERIFICATION: &str = "Verification";
const BEHAVIOUR: &str = "Behaviour";
const FORWARDING: &str = "Forwarding";
const LIMITS: &str = "Limits";
const TLS: &str = "TLS";
const SAVING: &str = "Saving";
const OUTPUT: &str = "Output";
const STOPPING: &str = "Stopping";
const INSPECTOR: &str = "Inspector";

/// Open the inspector over a capture log.
///
/// A local web page (127.0.0.1 only, a private token in its URL) that lists the
/// captures newest first, shows each with its verdict and diagnosis, and replays
/// them (byte-exact, edited, or re-signed with the secret given here), exports them
/// (curl, HAR, raw) and compares two. Captures that a listener adds to the log
/// appear as they are saved. Ctrl-C stops it.
///
/// Examples:
///   hookcat ui                                   (the default capture log)
///   hookcat ui captures.jsonl --port 4040
///   hookcat ui --scheme stripe --secret-env STRIPE_SECRET   (to re-sign replays)
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct UiArgs {
    /// The capture log (default: the listener's default log).
    pub log: Option<PathBuf>,
    /// The port, on 127.0.0.1 only (0 picks a free one).
    #[arg(short, long, default_value_t = 0)]
    pub port: u16,
    /// The scheme replays are re-signed with (default: told from each capture).
    #[arg(long, value_parser = scheme_names_or_auto())]
    pub scheme: Option<String>,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub generic: GenericArgs,
}

/// Listen for webhooks.
///
/// Examples:
///   hookcat listen --port 9000 --scheme github --secret-env GH_SECRET
///   hookcat listen --forward-to http://localhost:3000 --scheme auto --secret-env S
///   hookcat listen --fail-first 2 --retry-after 1       (test a sender's retries)
///   hookcat listen --port 0 --expect 3 --timeout 30s --json   (in CI)
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ListenArgs {
    /// The port (0 picks a free one).
    #[arg(short, long, default_value_t = 9000)]
    pub port: u16,
    /// The address to bind. Anything but loopback is reachable from the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,

    /// Verify each request with this scheme (`auto` detects it per request).
    #[arg(long, value_parser = scheme_names_or_auto(), help_heading = VERIFICATION)]
    pub scheme: Option<String>,
    #[command(flatten, next_help_heading = VERIFICATION)]
    pub secret: SecretArgs,
    #[command(flatten, next_help_heading = VERIFICATION)]
    pub generic: GenericArgs,
    /// The public URL the sender calls, for schemes that sign the URL (Twilio, Square); whole: `https://…`.
    #[arg(long, value_name = "URL", value_parser = signed_url, help_heading = VERIFICATION)]
    pub public_url: Option<String>,
    /// Answer 401 to requests whose signature fails.
    #[arg(long, help_heading = VERIFICATION)]
    pub reject_invalid: bool,

    /// Answer with this status.
    #[arg(long, value_name = "CODE", value_parser = status_code, help_heading = BEHAVIOUR)]
    pub status: Option<u16>,
    /// Answer with this body (`@FILE` reads a file).
    #[arg(long, value_name = "TEXT|@FILE", help_heading = BEHAVIOUR)]
    pub body: Option<String>,
    /// Add a response header, `Name: value` (repeatable).
    #[arg(long = "response-header", value_name = "HEADER", value_parser = header_arg, help_heading = BEHAVIOUR)]
    pub response_headers: Vec<(String, String)>,
    /// Wait this long before answering.
    #[arg(long, value_name = "DURATION", value_parser = duration, help_heading = BEHAVIOUR)]
    pub delay: Option<Duration>,
    /// Answer 500 to the first N requests, then normally.
    #[arg(long, value_name = "N", conflicts_with = "status_sequence", help_heading = BEHAVIOUR)]
    pub fail_first: Option<u64>,
    /// Answer 500 to this fraction of requests (0.0 to 1.0).
    #[arg(long, value_name = "P", value_parser = fraction, help_heading = BEHAVIOUR)]
    pub fail_rate: Option<f64>,
    /// Seed for --fail-rate, to repeat a run.
    #[arg(long, value_name = "N", help_heading = BEHAVIOUR)]
    pub seed: Option<u64>,
    /// Answer these statuses in turn, then the last one forever (e.g. 500,429,200).
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = status_code, help_heading = BEHAVIOUR)]
    pub status_sequence: Vec<u16>,
    /// Send Retry-After: SECS with 429 and 503 answers.
    #[arg(long, value_name = "SECS", help_heading = BEHAVIOUR)]
    pub retry_after: Option<u64>,
    /// Never answer (the sender times out). The request is still recorded.
    #[arg(long, help_heading = BEHAVIOUR)]
    pub hang: bool,
    /// Close the connection without answering. The request is still recorded.
    #[arg(long, help_heading = BEHAVIOUR)]
    pub drop: bool,
    /// Do not answer provider handshakes (Slack url_verification, Twitch, Zoom) automatically.
    #[arg(long, help_heading = BEHAVIOUR)]
    pub no_handshake: bool,

    /// Relay each request to the app at URL (`localhost:3000`, `:3000` and `3000` work too) and answer with its response. The app gets the original Host, X-Forwarded-For, -Proto and -Host, and answers provider handshakes itself (checked).
    /// The Behaviour flags do nothing then: they are refused with it.
    #[arg(
        long,
        value_name = "URL",
        value_parser = http_url,
        help_heading = FORWARDING,
        conflicts_with_all = [
            "status", "body", "response_headers", "delay", "fail_first", "fail_rate", "seed",
            "status_sequence", "retry_after", "hang", "drop",
        ]
    )]
    pub forward_to: Option<String>,
    /// How long the app has to answer a forwarded request; then the sender gets 504.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = duration, requires = "forward_to", help_heading = FORWARDING)]
    pub forward_timeout: Duration,
    /// Send the app its own host:port as Host (for an app that routes by Host) instead of the original Host.
    #[arg(long, requires = "forward_to", help_heading = FORWARDING)]
    pub rewrite_host: bool,

    /// Largest body accepted; larger gets 413.
    #[arg(long, default_value = "10MiB", value_name = "SIZE", help_heading = LIMITS)]
    pub max_body: Size,
    /// Bytes that request bodies in flight may hold in total (never less than --max-body); beyond it requests wait, then get 503.
    #[arg(long, default_value = "64MiB", value_name = "SIZE", help_heading = LIMITS)]
    pub max_inflight: Size,
    /// How long a request waits for room in --max-inflight before its 503.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration, help_heading = LIMITS)]
    pub inflight_wait: Duration,
    /// Only accept clients in this CIDR range (repeatable); others get 403, are not saved and are counted.
    #[arg(long, value_name = "CIDR", help_heading = LIMITS)]
    pub allow_ip: Vec<Cidr>,
    /// At most N requests per second per client IP; more get 429.
    #[arg(long, value_name = "N/s", help_heading = LIMITS)]
    pub rate_limit: Option<Rate>,
    /// Require this header (`Name: value`); requests without it get 401.
    #[arg(long, value_name = "HEADER", value_parser = header_arg, help_heading = LIMITS)]
    pub require_header: Vec<(String, String)>,
    /// Cut off a client that has not sent its headers within this time (slow-loris guard).
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = duration, help_heading = LIMITS)]
    pub header_timeout: Duration,
    /// Answer 408 when a request body has not arrived within this time.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = duration, help_heading = LIMITS)]
    pub body_timeout: Duration,

    /// Serve HTTPS with a self-signed certificate made at start (or --cert/--key).
    #[arg(long, help_heading = TLS)]
    pub tls: bool,
    /// TLS certificate chain (PEM).
    #[arg(long, value_name = "FILE", requires = "key", help_heading = TLS)]
    pub cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "cert", help_heading = TLS)]
    pub key: Option<PathBuf>,

    /// Append captures to this JSON Lines file (default: the user's data directory).
    #[arg(long, value_name = "FILE", conflicts_with = "no_save", help_heading = SAVING)]
    pub save: Option<PathBuf>,
    /// Keep nothing.
    #[arg(long, help_heading = SAVING)]
    pub no_save: bool,
    /// fsync the capture log after each batch of records.
    #[arg(long, help_heading = SAVING)]
    pub fsync: bool,

    /// One JSON object per request on stdout (the capture record plus "type": "request").
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,
    /// Only the summary line per request.
    #[arg(short, long, help_heading = OUTPUT)]
    pub quiet: bool,
    /// Also print headers.
    #[arg(short, long, help_heading = OUTPUT)]
    pub verbose: bool,
    /// Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them.
    #[arg(long, help_heading = OUTPUT)]
    pub reveal: bool,

    /// Open the inspector: a local web page where captures appear as they arrive, with
    /// their verdict, and can be replayed (re-signed), exported and compared. Its URL,
    /// with a private token, is printed after the listener's address.
    #[arg(long, help_heading = INSPECTOR)]
    pub ui: bool,
    /// The inspector's port, on 127.0.0.1 only (0 picks a free one).
    #[arg(long, value_name = "PORT", default_value_t = 0, requires = "ui", help_heading = INSPECTOR)]
    pub ui_port: u16,

    /// Exit 0 once N requests arrived; 1 if --timeout passes first.
    #[arg(long, value_name = "N", value_parser = positive_u64, help_heading = STOPPING)]
    pub expect: Option<u64>,
    /// Exit 0 after the first request (--expect 1).
    #[arg(long, conflicts_with = "expect", help_heading = STOPPING)]
    pub once: bool,
    /// With --expect: how long to wait.
    #[arg(long, value_name = "DURATION", value_parser = duration, help_heading = STOPPING)]
    pub timeout: Option<Duration>,
}

/// Replay captured requests.
///
/// Examples:
///   hookcat replay --to http://localhost:3000 --last 1
///   hookcat replay captures.jsonl --to http://localhost:3000 --all --resign --scheme stripe --secret-env S
///   hookcat replay --to http://localhost:3000 --filter provider=github --compare
#[derive(Debug, Args)]
#[command(after_help = EXIT_CODES)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub log: LogItems,
    /// Where to send: an http(s) URL, or as curl takes it (`localhost:3000`, `:3000`, `3000`; http:// is assumed).
    #[arg(long, value_name = "URL", value_parser = http_url)]
    pub to: String,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Sign again with a fresh timestamp and id.
    #[arg(long)]
    pub resign: bool,
    /// The scheme for --resign (`auto` detects it from the captured headers).
    #[arg(long, value_parser = scheme_names_or_auto())]
    pub scheme: Option<String>,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub generic: GenericArgs,
    /// Change a field of a JSON or form body that exists (re-sign it with --resign).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub sets: Vec<String>,
    /// Add a field to a JSON or form body (re-sign it with --resign).
    #[arg(long = "add", value_name = "PATH=VALUE")]
    pub adds: Vec<String>,
    /// Edit each body in $VISUAL or $EDITOR before sending (re-sign it with --resign).
    #[arg(long)]
    pub edit: bool,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
    /// Requests in flight at once.
    #[arg(short = 'c', long, default_value_t = 1, value_name = "C", value_parser = positive_usize)]
    pub concurrency: usize,
    /// At most R requests per second (`100`, `100/s` or `6000/m`).
    #[arg(long, value_name = "R/s")]
    pub rate: Option<Rate>,
    /// Print, per request, the new answer beside the one recorded at capture time; exit 1 when one differs.
    #[arg(long)]
    pub compare: bool,
    /// With --compare: a field of the JSON answers not to compare (repeatable), a dotted path (`data.id`,
    /// `items.0.at`) or a JSON pointer (`/data/id`). A hookcat listener's own answer id is always ignored.
    #[arg(long = "ignore-field", value_name = "PATH", requires = "compare")]
    pub ignore_fields: Vec<String>,
    /// One JSON object per request, then a summary.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// List the catalog's events.
    List {
        /// Only this provider's events.
        #[arg(long)]
        provider: Option<String>,
        /// An array of {name, provider, description, content_type, scheme}.
        #[arg(long)]
        json: bool,
    },
    /// Print the rendered request of an event (fresh ids and timestamps), a JSON body
    /// indented for reading.
    Show {
        /// The event, `provider.event` (see `hookcat events list`).
        name: String,
        /// The request as one JSON object.
        #[arg(long)]
        json: bool,
        /// Print the body byte for byte as `send` sends it (JSON bodies are indented
        /// otherwise).
        #[arg(long, conflicts_with = "json")]
        raw: bool,
    },
}

/// The capture log and the captures named: what `replay` and every `captures` subcommand take.
#[derive(Debug, Args)]
pub struct LogItems {
    /// A capture log (an existing file, or a path such as `cap.jsonl`) and/or captures: an id, its short id
    /// (as `captures list` shows it; 4 or more characters of the part after the timestamp), a prefix of the
    /// id, `last` or `last~N` (the Nth before the last).
    #[arg(value_name = "LOG|ID")]
    pub items: Vec<String>,
    /// The capture log (default: the listener's default log).
    #[arg(short, long, value_name = "LOG")]
    pub file: Option<PathBuf>,
}

/// Which captures, besides those named: what `replay`, `captures list` and `captures export` take.
#[derive(Debug, Args)]
pub struct SelectArgs {
    /// The last N captures (of those the other conditions keep).
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
    /// Every capture in the log.
    #[arg(long)]
    pub all: bool,
    /// Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid).
    ///
    /// `path` and `event` take a trailing `*` (`path=/hooks/*`, `event=stripe.invoice.*`); `status` a code,
    /// a class or `none` (`status=5xx`); `valid` is `true`, `false` or `none` (not verified).
    #[arg(long = "filter", value_name = "KEY=VALUE")]
    pub filters: Vec<String>,
    /// Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CapturesCommand {
    /// List captured requests (all of them unless some are selected), each with its short id.
    List {
        #[command(flatten)]
        log: LogItems,
        #[command(flatten)]
        select: SelectArgs,
        /// An array of {id, short_id, received_at, method, path, provider, event, size, status, …}.
        #[arg(long)]
        json: bool,
    },
    /// Show one capture as `listen` prints it, headers included.
    Show {
        #[command(flatten)]
        log: LogItems,
        /// The capture record as one JSON line.
        #[arg(long)]
        json: bool,
        /// Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them.
        #[arg(long)]
        reveal: bool,
    },
    /// Export captures as curl commands, HAR 1.2, raw HTTP or JSON.
    Export {
        #[command(flatten)]
        log: LogItems,
        #[command(flatten)]
        select: SelectArgs,
        /// The format to write.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// curl, har: the base URL, the captured path appended (default: the captured Host, over http); `localhost:3000`, `:3000` and `3000` work too.
        #[arg(long, value_name = "URL", value_parser = http_url)]
        to: Option<String>,
        /// curl, har and raw on a terminal: put credential headers (Authorization, Cookie, X-Api-Key, …) in instead of masking them.
        #[arg(long)]
        reveal: bool,
    },
    /// Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ.
    Diff {
        #[command(flatten)]
        log: LogItems,
        /// Compare bodies byte for byte (key order and whitespace count).
        #[arg(long)]
        exact: bool,
        /// The differences as one JSON object.
        #[arg(long)]
        json: bool,
        /// Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them.
        #[arg(long)]
        reveal: bool,
    },
    /// Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log.
    ///
    /// The kept lines are written, byte for byte, to a new file beside the log, which then replaces it.
    /// A listener holds a lock on the log it writes: prune refuses to run while one does (stop it first),
    /// and a listener that starts during a prune waits for it, then writes to the new file.
    #[command(mut_arg("items", |a| a
        .value_name("LOG")
        .help("The capture log to prune: a file (default: the listener's default log)")))]
    Prune {
        #[command(flatten)]
        log: LogItems,
        /// Remove captures received before this: a duration ago (7d, 12h, 90m), a date or an RFC 3339 time.
        #[arg(long, value_name = "AGE")]
        older_than: Option<String>,
        /// Keep at most the newest N captures.
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// A curl command per capture that sends it byte-exact (run it with sh).
    Curl,
    /// HAR 1.2, for a browser's devtools.
    Har,
    /// The HTTP/1.1 request bytes, exact to a file or pipe (on a terminal, control bytes are shown escaped).
    Raw,
    /// Capture-log lines: a log of its own, which replay and captures read.
    Json,
}

/// Show the whole loop in one command.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Keep the demo's capture log at this path (default: a temporary file, removed after).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// An HTTP status code, 100 to 599.
fn status_code(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(code) if (100..=599).contains(&code) => Ok(code),
        _ => Err("an HTTP status is 100 to 599".into()),
    }
}

/// An http(s) URL, completed from the forms curl takes ([`crate::core::url`]).
fn http_url(s: &str) -> Result<String, String> {
    crate::core::url::normalize(s).map_err(|e| e.reason())
}

/// A URL a provider signs, whole as written ([`crate::core::url::signed_url`]).
fn signed_url(s: &str) -> Result<String, String> {
    crate::core::url::signed_url(s).map_err(|e| e.reason())
}

/// An HTTP method: a token (RFC 9110), written as typed (`send` sends it upper-cased).
fn http_method(s: &str) -> Result<String, String> {
    let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if !s.is_empty() && s.chars().all(token) {
        Ok(s.to_string())
    } else {
        Err("an HTTP method is a word of letters, digits and !#$%&'*+-.^_`|~ (GET, POST, PUT, …)".into())
    }
}

/// A count of at least 1.
fn positive_u64(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a whole number, 1 or more".into()),
    }
}

/// A count of at least 1.
fn positive_usize(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err("expected a whole number, 1 or more".into()),
    }
}

/// A count: 0, 1, 2…
fn whole_number(s: &str) -> Result<u32, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("expected a whole number from 0 to {}", u32::MAX))
}

/// A fraction, 0.0 to 1.0.
fn fraction(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("a fraction from 0.0 to 1.0".into()),
    }
}

/// Parses the process's arguments and environment, or exits with clap's usage error (2).
///
/// A `HOOKCAT_*` variable that is set but empty counts as unset; a bad value from one
/// is named in the error, since the flag it stands for was not typed.
/// The command line `args` (the program name first), or clap's message about it.
pub fn parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let mut cmd = without_empty_env(Cli::command());
    let matches = cmd.try_get_matches_from_mut(args);
    matches.and_then(|m| Cli::from_arg_matches(&m)).map_err(|e| {
        let mut e = e.format(&mut cmd);
        if let Some(var) = from_env(&cmd, &e) {
            let tip = format!("the value comes from the environment variable {var}");
            e.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
        }
        e
    })
}

/// `cmd` with the `env` of every argument whose variable is set but empty removed.
fn without_empty_env(mut cmd: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|a| a.get_env().and_then(std::env::var_os).is_some_and(|v| v.is_empty()))
        .map(|a| a.get_id().clone())
        .collect();
    for id in empty {
        cmd = cmd.mut_arg(id, |a| a.env(None::<&str>));
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, without_empty_env);
    }
    cmd
}

/// The environment variable a refused value came from, if it did: the argument it
/// names has one set to that value, and the flag itself is not on the command line.
fn from_env(cmd: &clap::Command, e: &clap::Error) -> Option<String> {
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    let (arg, value) = (text(ContextKind::InvalidArg)?, text(ContextKind::InvalidValue)?);
    let typed: Vec<String> = std::env::args_os().filter_map(|a| a.into_string().ok()).collect();
    let mut stack = vec![cmd];
    while let Some(c) = stack.pop() {
        stack.extend(c.get_subcommands());
        for a in c.get_arguments() {
            let (Some(var), Some(long)) = (a.get_env(), a.get_long()) else {
                continue;
            };
            let flag = format!("--{long}");
            let named = arg == flag || arg.starts_with(&format!("{flag} "));
            let given = typed.iter().any(|t| *t == flag || t.starts_with(&format!("{flag}=")));
            if named && !given && std::env::var_os(var).is_some_and(|v| v == value.as_str()) {
                return Some(var.to_string_lossy().into_owned());
            }
        }
    }
    None
}

fn scheme_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(crate::core::scheme::registry::NAMES)
}

fn scheme_names_or_none() -> clap::builder::PossibleValuesParser {
    let mut v: Vec<&'static str> = crate::core::scheme::registry::NAMES.to_vec();
    v.push("none");
    clap::builder::PossibleValuesParser::new(v)
}

fn scheme_names_or_auto() -> clap::builder::PossibleValuesParser {
    let mut v: Vec<&'static str> = crate::core::scheme::registry::NAMES.to_vec();
    v.push("auto");
    clap::builder::PossibleValuesParser::new(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Commands receive typed values: clap did the parsing.
    #[test]
    fn values_arrive_typed() {
        let cli = Cli::try_parse_from([
            "hookcat",
            "listen",
            "--max-body=1.5KiB",
            "--header-timeout=500ms",
            "--rate-limit=120/min",
            "--allow-ip=10.0.0.0/8",
            "--status-sequence=500,429,200",
            "--response-header=X-A: b",
        ])
        .unwrap();
        let Command::Listen(a) = cli.command else { panic!() };
        assert_eq!(a.max_body, Size(1536));
        assert_eq!(a.header_timeout, Duration::from_millis(500));
        assert_eq!(a.body_timeout, Duration::from_secs(30), "the default, parsed");
        assert_eq!(a.rate_limit.map(Rate::per_second), Some(2.0));
        assert_eq!(a.allow_ip, vec!["10.0.0.0/8".parse::<Cidr>().unwrap()]);
        assert_eq!(a.status_sequence, [500, 429, 200]);
        assert_eq!(a.response_headers, [("X-A".to_string(), "b".to_string())]);
    }

    /// Every URL argument takes the forms curl takes, and refuses with the corrected form.
    #[test]
    fn url_arguments_complete_what_is_typed() {
        let cli = Cli::try_parse_from(["hookcat", "listen", "--forward-to", ":3000/app"]).unwrap();
        let Command::Listen(a) = cli.command else { panic!() };
        assert_eq!(a.forward_to.as_deref(), Some("http://localhost:3000/app"));
        let cli = Cli::try_parse_from(["hookcat", "replay", "--to", "3000", "--all"]).unwrap();
        let Command::Replay(a) = cli.command else { panic!() };
        assert_eq!(a.to, "http://localhost:3000/");
        let cli = Cli::try_parse_from([
            "hookcat", "captures", "export", "x", "--format", "curl", "--to", ":3000",
        ])
        .unwrap();
        let Command::Captures(CapturesCommand::Export { to, .. }) = cli.command else {
            panic!()
        };
        assert_eq!(to.as_deref(), Some("http://localhost:3000/"));
        let cli = Cli::try_parse_from(["hookcat", "send", "localhost:3000/hook"]).unwrap();
        let Command::Send(a) = cli.command else { panic!() };
        assert_eq!(a.url.as_deref(), Some("http://localhost:3000/hook"));
        for args in [
            &["hookcat", "listen", "--forward-to", "ftp://app/x"][..],
            &["hookcat", "replay", "--to", "ftp://app/x", "--all"][..],
            &["hookcat", "send", "ftp://app/x"][..],
        ] {
            let e = Cli::try_parse_from(args).unwrap_err().to_string();
            assert!(e.contains("did you mean `http://app/x`"), "{args:?}: {e}");
        }
    }

    #[test]
    fn small_parsers() {
        assert_eq!(status_code("404"), Ok(404));
        for bad in ["99", "600", "2xx", "-1", ""] {
            assert!(status_code(bad).is_err(), "{bad}");
        }
        assert_eq!(fraction("0.25"), Ok(0.25));
        for bad in ["1.01", "-0.1", "NaN", "half"] {
            assert!(fraction(bad).is_err(), "{bad}");
        }
        assert_eq!(whole_number("3"), Ok(3));
        assert!(whole_number("-1").is_err() && whole_number("many").is_err());
    }
}
