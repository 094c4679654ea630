# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_hookcat_global_optspecs
    string join \n color= h/help V/version
end

function __fish_hookcat_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_hookcat_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_hookcat_using_subcommand
    set -l cmd (__fish_hookcat_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c hookcat -n "__fish_hookcat_needs_command" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_needs_command" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_needs_command" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "send" -d 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "listen" -d 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "sign" -d 'Print the signature headers a provider would send for a body'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "verify" -d 'Verify a webhook signature, and say why it fails'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "replay" -d 'Replay captured requests, byte-exact or re-signed, to a URL'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "events" -d 'List and show the built-in event catalog'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "captures" -d 'List, show, export, compare and prune captured requests'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "ui" -d 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "keygen" -d 'Generate a secret or key pair in a provider\'s format'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "demo" -d 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "man" -d 'Print the man page (roff)'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "check" -d 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake'
complete -c hookcat -n "__fish_hookcat_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s e -l event -d 'A catalog event, `provider.event` (see `hookcat events list`)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s d -l data -d 'Send this body instead of an event: a file, or `-` for standard input' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l content-type -d 'The Content-Type of --data (default: guessed from the body)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l set -d 'Change a field of the body: a dotted path or JSON pointer that exists; VALUE is JSON if it parses, else a string' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l add -d 'Add a field to the body (creating the objects on its path), as --set does for one that exists' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s H -l header -d 'Add a header, `Name: value` (repeatable)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s X -l method -d 'The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event\'s, or POST)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l scheme -d 'Sign with this scheme instead of the event\'s provider scheme (`none` sends unsigned)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''
none\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l cacert -d 'Trust this CA certificate (PEM)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l print -d 'Print an equivalent command instead of sending' -r -f -a "curl\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s n -l count -d 'Load mode: send N requests' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s c -l concurrency -d 'Load mode (with --count): requests in flight at once. [default: 10]' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l rate -d 'Load mode (with --count): at most R requests per second (`100`, `100/s` or `6000/m`)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l config -d 'A config file (default: ./hookcat.toml, then the user\'s config dir)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s t -l target -d 'A named target from the config file (`[targets.NAME]`)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l timeout -d 'Per-attempt timeout (or a config target\'s `timeout`). [default: 10s]' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l retries -d 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s k -l insecure -d 'Accept any TLS certificate (for a self-signed local receiver)'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l dry-run -d 'Print exactly what would be sent and send nothing'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l reveal -d 'Show credential headers (Authorization, Cookie, X-Api-Key, …) in --dry-run, --print curl and -v instead of masking them'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l json -d 'One JSON object per attempt, then a summary (load mode: the summary alone)'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s v -l verbose -d 'Show response headers and the whole response body'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -l no-input -d 'Never prompt, even on a terminal'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand send" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -s p -l port -d 'The port (0 picks a free one)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l host -d 'The address to bind. Anything but loopback is reachable from the network' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l scheme -d 'Verify each request with this scheme (`auto` detects it per request)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''
auto\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l public-url -d 'The public URL the sender calls, for schemes that sign the URL (Twilio, Square); whole: `https://…`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l status -d 'Answer with this status' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l body -d 'Answer with this body (`@FILE` reads a file)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l response-header -d 'Add a response header, `Name: value` (repeatable)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l delay -d 'Wait this long before answering' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l fail-first -d 'Answer 500 to the first N requests, then normally' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l fail-rate -d 'Answer 500 to this fraction of requests (0.0 to 1.0)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l seed -d 'Seed for --fail-rate, to repeat a run' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l status-sequence -d 'Answer these statuses in turn, then the last one forever (e.g. 500,429,200)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l retry-after -d 'Send Retry-After: SECS with 429 and 503 answers' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l forward-to -d 'Relay each request to the app at URL (`localhost:3000`, `:3000` and `3000` work too) and answer with its response. The app gets the original Host, X-Forwarded-For, -Proto and -Host, and answers provider handshakes itself (checked). The Behaviour flags do nothing then: they are refused with it' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l forward-timeout -d 'How long the app has to answer a forwarded request; then the sender gets 504' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l max-body -d 'Largest body accepted; larger gets 413' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l max-inflight -d 'Bytes that request bodies in flight may hold in total (never less than --max-body); beyond it requests wait, then get 503' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l inflight-wait -d 'How long a request waits for room in --max-inflight before its 503' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l allow-ip -d 'Only accept clients in this CIDR range (repeatable); others get 403, are not saved and are counted' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l rate-limit -d 'At most N requests per second per client IP; more get 429' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l require-header -d 'Require this header (`Name: value`); requests without it get 401' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l header-timeout -d 'Cut off a client that has not sent its headers within this time (slow-loris guard)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l body-timeout -d 'Answer 408 when a request body has not arrived within this time' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l cert -d 'TLS certificate chain (PEM)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l key -d 'TLS private key (PEM)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l save -d 'Append captures to this JSON Lines file (default: the user\'s data directory)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l ui-port -d 'The inspector\'s port, on 127.0.0.1 only (0 picks a free one)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l expect -d 'Exit 0 once N requests arrived; 1 if --timeout passes first' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l timeout -d 'With --expect: how long to wait' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l reject-invalid -d 'Answer 401 to requests whose signature fails'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l hang -d 'Never answer (the sender times out). The request is still recorded'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l drop -d 'Close the connection without answering. The request is still recorded'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l no-handshake -d 'Do not answer provider handshakes (Slack url_verification, Twitch, Zoom) automatically'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l rewrite-host -d 'Send the app its own host:port as Host (for an app that routes by Host) instead of the original Host'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l tls -d 'Serve HTTPS with a self-signed certificate made at start (or --cert/--key)'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l no-save -d 'Keep nothing'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l fsync -d 'fsync the capture log after each batch of records'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l json -d 'One JSON object per request on stdout (the capture record plus "type": "request")'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -s q -l quiet -d 'Only the summary line per request'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -s v -l verbose -d 'Also print headers'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l reveal -d 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l ui -d 'Open the inspector: a local web page where captures appear as they arrive, with their verdict, and can be replayed (re-signed), exported and compared. Its URL, with a private token, is printed after the listener\'s address'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -l once -d 'Exit 0 after the first request (--expect 1)'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand listen" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l scheme -d 'The signature scheme (see `hookcat sign --help` for the list)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l url -d 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l timestamp -d 'The timestamp to sign, in unix seconds (default: now)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l id -d 'The message / delivery id to sign (default: a fresh one)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -l json -d 'Print the headers as one JSON object'
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -s v -l verbose -d 'Say more on stderr'
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand sign" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l scheme -d 'The signature scheme, or `auto` to detect it from the headers' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''
auto\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l url -d 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -s H -l header -d 'A request header, `Name: value` (repeatable)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l headers-file -d 'Read headers from a file: a raw HTTP header block, or a capture record (JSON)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l now -d 'Check timestamps against this time (unix seconds) instead of the clock' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l tolerance -d 'Timestamp tolerance in seconds, overriding the provider\'s (0 turns the check off)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -l json -d 'Print the verdict, scheme, matched signature and diagnosis as JSON'
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -s v -l verbose -d 'Say more: the verdict also when valid, where the secret came from'
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand verify" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l to -d 'Where to send: an http(s) URL, or as curl takes it (`localhost:3000`, `:3000`, `3000`; http:// is assumed)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l last -d 'The last N captures (of those the other conditions keep)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l filter -d 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l since -d 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l scheme -d 'The scheme for --resign (`auto` detects it from the captured headers)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''
auto\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l set -d 'Change a field of a JSON or form body that exists (re-sign it with --resign)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l add -d 'Add a field to a JSON or form body (re-sign it with --resign)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l timeout -d 'Per-attempt timeout. [default: 10s]' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l retries -d 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -s c -l concurrency -d 'Requests in flight at once' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l rate -d 'At most R requests per second (`100`, `100/s` or `6000/m`)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l ignore-field -d 'With --compare: a field of the JSON answers not to compare (repeatable), a dotted path (`data.id`, `items.0.at`) or a JSON pointer (`/data/id`). A hookcat listener\'s own answer id is always ignored' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l all -d 'Every capture in the log'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l resign -d 'Sign again with a fresh timestamp and id'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l edit -d 'Edit each body in $VISUAL or $EDITOR before sending (re-sign it with --resign)'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -s k -l insecure -d 'Accept any TLS certificate (for a self-signed local receiver)'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l compare -d 'Print, per request, the new answer beside the one recorded at capture time; exit 1 when one differs'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -l json -d 'One JSON object per request, then a summary'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcat -n "__fish_hookcat_using_subcommand replay" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -f -a "list" -d 'List the catalog\'s events'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -f -a "show" -d 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and not __fish_seen_subcommand_from list show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from list" -l provider -d 'Only this provider\'s events' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from list" -l json -d 'An array of {name, provider, description, content_type, scheme}'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from show" -l json -d 'The request as one JSON object'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from show" -l raw -d 'Print the body byte for byte as `send` sends it (JSON bodies are indented otherwise)'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the catalog\'s events'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
complete -c hookcat -n "__fish_hookcat_using_subcommand events; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "list" -d 'List captured requests (all of them unless some are selected), each with its short id'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "show" -d 'Show one capture as `listen` prints it, headers included'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "export" -d 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "diff" -d 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "prune" -d 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and not __fish_seen_subcommand_from list show export diff prune help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l last -d 'The last N captures (of those the other conditions keep)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l filter -d 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l since -d 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l all -d 'Every capture in the log'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -l json -d 'An array of {id, short_id, received_at, method, path, provider, event, size, status, …}'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -l json -d 'The capture record as one JSON line'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -l reveal -d 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l last -d 'The last N captures (of those the other conditions keep)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l filter -d 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l since -d 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l format -d 'The format to write' -r -f -a "curl\t'A curl command per capture that sends it byte-exact (run it with sh)'
har\t'HAR 1.2, for a browser\'s devtools'
raw\t'The HTTP/1.1 request bytes, exact to a file or pipe (on a terminal, control bytes are shown escaped)'
json\t'Capture-log lines: a log of its own, which replay and captures read'"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l to -d 'curl, har: the base URL, the captured path appended (default: the captured Host, over http); `localhost:3000`, `:3000` and `3000` work too' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l all -d 'Every capture in the log'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -l reveal -d 'curl, har and raw on a terminal: put credential headers (Authorization, Cookie, X-Api-Key, …) in instead of masking them'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -l exact -d 'Compare bodies byte for byte (key order and whitespace count)'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -l json -d 'The differences as one JSON object'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -l reveal -d 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from diff" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -s f -l file -d 'The capture log (default: the listener\'s default log)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -l older-than -d 'Remove captures received before this: a duration ago (7d, 12h, 90m), a date or an RFC 3339 time' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -l keep -d 'Keep at most the newest N captures' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from prune" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "list" -d 'List captured requests (all of them unless some are selected), each with its short id'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one capture as `listen` prints it, headers included'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "export" -d 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "diff" -d 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "prune" -d 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
complete -c hookcat -n "__fish_hookcat_using_subcommand captures; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -s p -l port -d 'The port, on 127.0.0.1 only (0 picks a free one)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l scheme -d 'The scheme replays are re-signed with (default: told from each capture)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''
auto\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand ui" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand keygen" -l scheme -d 'The scheme whose secret or key pair to make' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand keygen" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand keygen" -l json -d 'Print as JSON'
complete -c hookcat -n "__fish_hookcat_using_subcommand keygen" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand keygen" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand demo" -l save -d 'Keep the demo\'s capture log at this path (default: a temporary file, removed after)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand demo" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand demo" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand demo" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand completions" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand completions" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand completions" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand man" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand man" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand man" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l scheme -d 'The provider\'s scheme (default: the event\'s)' -r -f -a "github\t''
github-sha1\t''
stripe\t''
slack\t''
standard-webhooks\t''
standard-webhooks-v1a\t''
svix\t''
shopify\t''
twilio\t''
gitlab\t''
discord\t''
square\t''
paddle\t''
zoom\t''
twitch\t''
linear\t''
intercom\t''
mailgun\t''
jira\t''
generic\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s e -l event -d 'The catalog event the deliveries carry (default: the scheme\'s first event)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l secret-env -d 'Read the secret from this environment variable (best in CI)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l secret-file -d 'Read the secret from a file; one trailing newline is stripped' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l secret -d 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l algorithm -d 'generic scheme: the hash (sha1, sha256, sha512)' -r -f -a "sha1\t''
sha256\t''
sha512\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l encoding -d 'generic scheme: how the MAC is written (hex or base64)' -r -f -a "hex\t''
base64\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l header-name -d 'generic scheme: the header that carries the signature' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l prefix -d 'generic scheme: a literal prefix before the signature, e.g. `sha256=`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s H -l header -d 'Add a header to every request, `Name: value` (repeatable)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l public-url -d 'The URL the provider calls, when not URL (a proxy, a tunnel), for schemes that sign the URL (Twilio, Square); whole: `https://…`' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l timeout -d 'Use this instead of the provider\'s delivery timeout' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l requests -d 'The latency case: how many deliveries' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l concurrency -d 'The latency case: how many at once' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l only -d 'Run only these cases (comma-separated or repeated)' -r -f -a "valid\t''
unsigned\t''
wrong-secret\t''
tampered\t''
appended-newline\t''
raw-body\t''
stale\t''
future\t''
duplicate\t''
rotation\t''
downgrade\t''
header-case\t''
content-type\t''
large\t''
method\t''
handshake\t''
latency\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l skip -d 'Skip these cases (comma-separated or repeated)' -r -f -a "valid\t''
unsigned\t''
wrong-secret\t''
tampered\t''
appended-newline\t''
raw-body\t''
stale\t''
future\t''
duplicate\t''
rotation\t''
downgrade\t''
header-case\t''
content-type\t''
large\t''
method\t''
handshake\t''
latency\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l cacert -d 'Trust this CA certificate (PEM)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l config -d 'A config file (default: ./hookcat.toml, then the user\'s config dir)' -r -F
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s t -l target -d 'A named target from the config file (`[targets.NAME]`)' -r
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l color -d 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never' -r -f -a "auto\t''
always\t''
never\t''"
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l strict -d 'Count warnings as failures'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l list -d 'List the cases and send nothing'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -l json -d 'One JSON document with every case and a summary'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s k -l insecure -d 'Accept any TLS certificate (for a self-signed local receiver)'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s h -l help -d 'Print help'
complete -c hookcat -n "__fish_hookcat_using_subcommand check" -s V -l version -d 'Print version'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "send" -d 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "listen" -d 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "sign" -d 'Print the signature headers a provider would send for a body'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "verify" -d 'Verify a webhook signature, and say why it fails'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "replay" -d 'Replay captured requests, byte-exact or re-signed, to a URL'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "events" -d 'List and show the built-in event catalog'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "captures" -d 'List, show, export, compare and prune captured requests'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "ui" -d 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "keygen" -d 'Generate a secret or key pair in a provider\'s format'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "demo" -d 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "completions" -d 'Print shell completions (bash, zsh, fish, powershell, elvish)'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "man" -d 'Print the man page (roff)'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "check" -d 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and not __fish_seen_subcommand_from send listen sign verify replay events captures ui keygen demo completions man check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "list" -d 'List the catalog\'s events'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from events" -f -a "show" -d 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from captures" -f -a "list" -d 'List captured requests (all of them unless some are selected), each with its short id'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from captures" -f -a "show" -d 'Show one capture as `listen` prints it, headers included'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from captures" -f -a "export" -d 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from captures" -f -a "diff" -d 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
complete -c hookcat -n "__fish_hookcat_using_subcommand help; and __fish_seen_subcommand_from captures" -f -a "prune" -d 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
