
use builtin;
use str;

set edit:completion:arg-completer[hookcat] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'hookcat'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'hookcat'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand send 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode'
            cand listen 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward'
            cand sign 'Print the signature headers a provider would send for a body'
            cand verify 'Verify a webhook signature, and say why it fails'
            cand replay 'Replay captured requests, byte-exact or re-signed, to a URL'
            cand events 'List and show the built-in event catalog'
            cand captures 'List, show, export, compare and prune captured requests'
            cand ui 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare'
            cand keygen 'Generate a secret or key pair in a provider''s format'
            cand demo 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff)'
            cand check 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;send'= {
            cand -e 'A catalog event, `provider.event` (see `hookcat events list`)'
            cand --event 'A catalog event, `provider.event` (see `hookcat events list`)'
            cand -d 'Send this body instead of an event: a file, or `-` for standard input'
            cand --data 'Send this body instead of an event: a file, or `-` for standard input'
            cand --content-type 'The Content-Type of --data (default: guessed from the body)'
            cand --set 'Change a field of the body: a dotted path or JSON pointer that exists; VALUE is JSON if it parses, else a string'
            cand --add 'Add a field to the body (creating the objects on its path), as --set does for one that exists'
            cand -H 'Add a header, `Name: value` (repeatable)'
            cand --header 'Add a header, `Name: value` (repeatable)'
            cand -X 'The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event''s, or POST)'
            cand --method 'The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event''s, or POST)'
            cand --scheme 'Sign with this scheme instead of the event''s provider scheme (`none` sends unsigned)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --cacert 'Trust this CA certificate (PEM)'
            cand --print 'Print an equivalent command instead of sending'
            cand -n 'Load mode: send N requests'
            cand --count 'Load mode: send N requests'
            cand -c 'Load mode (with --count): requests in flight at once. [default: 10]'
            cand --concurrency 'Load mode (with --count): requests in flight at once. [default: 10]'
            cand --rate 'Load mode (with --count): at most R requests per second (`100`, `100/s` or `6000/m`)'
            cand --config 'A config file (default: ./hookcat.toml, then the user''s config dir)'
            cand -t 'A named target from the config file (`[targets.NAME]`)'
            cand --target 'A named target from the config file (`[targets.NAME]`)'
            cand --timeout 'Per-attempt timeout (or a config target''s `timeout`). [default: 10s]'
            cand --retries 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -k 'Accept any TLS certificate (for a self-signed local receiver)'
            cand --insecure 'Accept any TLS certificate (for a self-signed local receiver)'
            cand --dry-run 'Print exactly what would be sent and send nothing'
            cand --reveal 'Show credential headers (Authorization, Cookie, X-Api-Key, …) in --dry-run, --print curl and -v instead of masking them'
            cand --json 'One JSON object per attempt, then a summary (load mode: the summary alone)'
            cand -v 'Show response headers and the whole response body'
            cand --verbose 'Show response headers and the whole response body'
            cand --no-input 'Never prompt, even on a terminal'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;listen'= {
            cand -p 'The port (0 picks a free one)'
            cand --port 'The port (0 picks a free one)'
            cand --host 'The address to bind. Anything but loopback is reachable from the network'
            cand --scheme 'Verify each request with this scheme (`auto` detects it per request)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --public-url 'The public URL the sender calls, for schemes that sign the URL (Twilio, Square); whole: `https://…`'
            cand --status 'Answer with this status'
            cand --body 'Answer with this body (`@FILE` reads a file)'
            cand --response-header 'Add a response header, `Name: value` (repeatable)'
            cand --delay 'Wait this long before answering'
            cand --fail-first 'Answer 500 to the first N requests, then normally'
            cand --fail-rate 'Answer 500 to this fraction of requests (0.0 to 1.0)'
            cand --seed 'Seed for --fail-rate, to repeat a run'
            cand --status-sequence 'Answer these statuses in turn, then the last one forever (e.g. 500,429,200)'
            cand --retry-after 'Send Retry-After: SECS with 429 and 503 answers'
            cand --forward-to 'Relay each request to the app at URL (`localhost:3000`, `:3000` and `3000` work too) and answer with its response. The app gets the original Host, X-Forwarded-For, -Proto and -Host, and answers provider handshakes itself (checked). The Behaviour flags do nothing then: they are refused with it'
            cand --forward-timeout 'How long the app has to answer a forwarded request; then the sender gets 504'
            cand --max-body 'Largest body accepted; larger gets 413'
            cand --max-inflight 'Bytes that request bodies in flight may hold in total (never less than --max-body); beyond it requests wait, then get 503'
            cand --inflight-wait 'How long a request waits for room in --max-inflight before its 503'
            cand --allow-ip 'Only accept clients in this CIDR range (repeatable); others get 403, are not saved and are counted'
            cand --rate-limit 'At most N requests per second per client IP; more get 429'
            cand --require-header 'Require this header (`Name: value`); requests without it get 401'
            cand --header-timeout 'Cut off a client that has not sent its headers within this time (slow-loris guard)'
            cand --body-timeout 'Answer 408 when a request body has not arrived within this time'
            cand --cert 'TLS certificate chain (PEM)'
            cand --key 'TLS private key (PEM)'
            cand --save 'Append captures to this JSON Lines file (default: the user''s data directory)'
            cand --ui-port 'The inspector''s port, on 127.0.0.1 only (0 picks a free one)'
            cand --expect 'Exit 0 once N requests arrived; 1 if --timeout passes first'
            cand --timeout 'With --expect: how long to wait'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --reject-invalid 'Answer 401 to requests whose signature fails'
            cand --hang 'Never answer (the sender times out). The request is still recorded'
            cand --drop 'Close the connection without answering. The request is still recorded'
            cand --no-handshake 'Do not answer provider handshakes (Slack url_verification, Twitch, Zoom) automatically'
            cand --rewrite-host 'Send the app its own host:port as Host (for an app that routes by Host) instead of the original Host'
            cand --tls 'Serve HTTPS with a self-signed certificate made at start (or --cert/--key)'
            cand --no-save 'Keep nothing'
            cand --fsync 'fsync the capture log after each batch of records'
            cand --json 'One JSON object per request on stdout (the capture record plus "type": "request")'
            cand -q 'Only the summary line per request'
            cand --quiet 'Only the summary line per request'
            cand -v 'Also print headers'
            cand --verbose 'Also print headers'
            cand --reveal 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
            cand --ui 'Open the inspector: a local web page where captures appear as they arrive, with their verdict, and can be replayed (re-signed), exported and compared. Its URL, with a private token, is printed after the listener''s address'
            cand --once 'Exit 0 after the first request (--expect 1)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;sign'= {
            cand --scheme 'The signature scheme (see `hookcat sign --help` for the list)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --url 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`'
            cand --timestamp 'The timestamp to sign, in unix seconds (default: now)'
            cand --id 'The message / delivery id to sign (default: a fresh one)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Print the headers as one JSON object'
            cand -v 'Say more on stderr'
            cand --verbose 'Say more on stderr'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;verify'= {
            cand --scheme 'The signature scheme, or `auto` to detect it from the headers'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --url 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`'
            cand -H 'A request header, `Name: value` (repeatable)'
            cand --header 'A request header, `Name: value` (repeatable)'
            cand --headers-file 'Read headers from a file: a raw HTTP header block, or a capture record (JSON)'
            cand --now 'Check timestamps against this time (unix seconds) instead of the clock'
            cand --tolerance 'Timestamp tolerance in seconds, overriding the provider''s (0 turns the check off)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Print the verdict, scheme, matched signature and diagnosis as JSON'
            cand -v 'Say more: the verdict also when valid, where the secret came from'
            cand --verbose 'Say more: the verdict also when valid, where the secret came from'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;replay'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --to 'Where to send: an http(s) URL, or as curl takes it (`localhost:3000`, `:3000`, `3000`; http:// is assumed)'
            cand --last 'The last N captures (of those the other conditions keep)'
            cand --filter 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)'
            cand --since 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)'
            cand --scheme 'The scheme for --resign (`auto` detects it from the captured headers)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --set 'Change a field of a JSON or form body that exists (re-sign it with --resign)'
            cand --add 'Add a field to a JSON or form body (re-sign it with --resign)'
            cand --timeout 'Per-attempt timeout. [default: 10s]'
            cand --retries 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]'
            cand -c 'Requests in flight at once'
            cand --concurrency 'Requests in flight at once'
            cand --rate 'At most R requests per second (`100`, `100/s` or `6000/m`)'
            cand --ignore-field 'With --compare: a field of the JSON answers not to compare (repeatable), a dotted path (`data.id`, `items.0.at`) or a JSON pointer (`/data/id`). A hookcat listener''s own answer id is always ignored'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --all 'Every capture in the log'
            cand --resign 'Sign again with a fresh timestamp and id'
            cand --edit 'Edit each body in $VISUAL or $EDITOR before sending (re-sign it with --resign)'
            cand -k 'Accept any TLS certificate (for a self-signed local receiver)'
            cand --insecure 'Accept any TLS certificate (for a self-signed local receiver)'
            cand --compare 'Print, per request, the new answer beside the one recorded at capture time; exit 1 when one differs'
            cand --json 'One JSON object per request, then a summary'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;events'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List the catalog''s events'
            cand show 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;events;list'= {
            cand --provider 'Only this provider''s events'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'An array of {name, provider, description, content_type, scheme}'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;events;show'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'The request as one JSON object'
            cand --raw 'Print the body byte for byte as `send` sends it (JSON bodies are indented otherwise)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;events;help'= {
            cand list 'List the catalog''s events'
            cand show 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;events;help;list'= {
        }
        &'hookcat;events;help;show'= {
        }
        &'hookcat;events;help;help'= {
        }
        &'hookcat;captures'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'List captured requests (all of them unless some are selected), each with its short id'
            cand show 'Show one capture as `listen` prints it, headers included'
            cand export 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
            cand diff 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
            cand prune 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;captures;list'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --last 'The last N captures (of those the other conditions keep)'
            cand --filter 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)'
            cand --since 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --all 'Every capture in the log'
            cand --json 'An array of {id, short_id, received_at, method, path, provider, event, size, status, …}'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;captures;show'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'The capture record as one JSON line'
            cand --reveal 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;captures;export'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --last 'The last N captures (of those the other conditions keep)'
            cand --filter 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)'
            cand --since 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)'
            cand --format 'The format to write'
            cand --to 'curl, har: the base URL, the captured path appended (default: the captured Host, over http); `localhost:3000`, `:3000` and `3000` work too'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --all 'Every capture in the log'
            cand --reveal 'curl, har and raw on a terminal: put credential headers (Authorization, Cookie, X-Api-Key, …) in instead of masking them'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;captures;diff'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --exact 'Compare bodies byte for byte (key order and whitespace count)'
            cand --json 'The differences as one JSON object'
            cand --reveal 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;captures;prune'= {
            cand -f 'The capture log (default: the listener''s default log)'
            cand --file 'The capture log (default: the listener''s default log)'
            cand --older-than 'Remove captures received before this: a duration ago (7d, 12h, 90m), a date or an RFC 3339 time'
            cand --keep 'Keep at most the newest N captures'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;captures;help'= {
            cand list 'List captured requests (all of them unless some are selected), each with its short id'
            cand show 'Show one capture as `listen` prints it, headers included'
            cand export 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
            cand diff 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
            cand prune 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;captures;help;list'= {
        }
        &'hookcat;captures;help;show'= {
        }
        &'hookcat;captures;help;export'= {
        }
        &'hookcat;captures;help;diff'= {
        }
        &'hookcat;captures;help;prune'= {
        }
        &'hookcat;captures;help;help'= {
        }
        &'hookcat;ui'= {
            cand -p 'The port, on 127.0.0.1 only (0 picks a free one)'
            cand --port 'The port, on 127.0.0.1 only (0 picks a free one)'
            cand --scheme 'The scheme replays are re-signed with (default: told from each capture)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;keygen'= {
            cand --scheme 'The scheme whose secret or key pair to make'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --json 'Print as JSON'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;demo'= {
            cand --save 'Keep the demo''s capture log at this path (default: a temporary file, removed after)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;completions'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;man'= {
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;check'= {
            cand --scheme 'The provider''s scheme (default: the event''s)'
            cand -e 'The catalog event the deliveries carry (default: the scheme''s first event)'
            cand --event 'The catalog event the deliveries carry (default: the scheme''s first event)'
            cand --secret-env 'Read the secret from this environment variable (best in CI)'
            cand --secret-file 'Read the secret from a file; one trailing newline is stripped'
            cand --secret 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file'
            cand --algorithm 'generic scheme: the hash (sha1, sha256, sha512)'
            cand --encoding 'generic scheme: how the MAC is written (hex or base64)'
            cand --header-name 'generic scheme: the header that carries the signature'
            cand --prefix 'generic scheme: a literal prefix before the signature, e.g. `sha256=`'
            cand -H 'Add a header to every request, `Name: value` (repeatable)'
            cand --header 'Add a header to every request, `Name: value` (repeatable)'
            cand --public-url 'The URL the provider calls, when not URL (a proxy, a tunnel), for schemes that sign the URL (Twilio, Square); whole: `https://…`'
            cand --timeout 'Use this instead of the provider''s delivery timeout'
            cand --requests 'The latency case: how many deliveries'
            cand --concurrency 'The latency case: how many at once'
            cand --only 'Run only these cases (comma-separated or repeated)'
            cand --skip 'Skip these cases (comma-separated or repeated)'
            cand --cacert 'Trust this CA certificate (PEM)'
            cand --config 'A config file (default: ./hookcat.toml, then the user''s config dir)'
            cand -t 'A named target from the config file (`[targets.NAME]`)'
            cand --target 'A named target from the config file (`[targets.NAME]`)'
            cand --color 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never'
            cand --strict 'Count warnings as failures'
            cand --list 'List the cases and send nothing'
            cand --json 'One JSON document with every case and a summary'
            cand -k 'Accept any TLS certificate (for a self-signed local receiver)'
            cand --insecure 'Accept any TLS certificate (for a self-signed local receiver)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'hookcat;help'= {
            cand send 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode'
            cand listen 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward'
            cand sign 'Print the signature headers a provider would send for a body'
            cand verify 'Verify a webhook signature, and say why it fails'
            cand replay 'Replay captured requests, byte-exact or re-signed, to a URL'
            cand events 'List and show the built-in event catalog'
            cand captures 'List, show, export, compare and prune captured requests'
            cand ui 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare'
            cand keygen 'Generate a secret or key pair in a provider''s format'
            cand demo 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries'
            cand completions 'Print shell completions (bash, zsh, fish, powershell, elvish)'
            cand man 'Print the man page (roff)'
            cand check 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'hookcat;help;send'= {
        }
        &'hookcat;help;listen'= {
        }
        &'hookcat;help;sign'= {
        }
        &'hookcat;help;verify'= {
        }
        &'hookcat;help;replay'= {
        }
        &'hookcat;help;events'= {
            cand list 'List the catalog''s events'
            cand show 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading'
        }
        &'hookcat;help;events;list'= {
        }
        &'hookcat;help;events;show'= {
        }
        &'hookcat;help;captures'= {
            cand list 'List captured requests (all of them unless some are selected), each with its short id'
            cand show 'Show one capture as `listen` prints it, headers included'
            cand export 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON'
            cand diff 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ'
            cand prune 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log'
        }
        &'hookcat;help;captures;list'= {
        }
        &'hookcat;help;captures;show'= {
        }
        &'hookcat;help;captures;export'= {
        }
        &'hookcat;help;captures;diff'= {
        }
        &'hookcat;help;captures;prune'= {
        }
        &'hookcat;help;ui'= {
        }
        &'hookcat;help;keygen'= {
        }
        &'hookcat;help;demo'= {
        }
        &'hookcat;help;completions'= {
        }
        &'hookcat;help;man'= {
        }
        &'hookcat;help;check'= {
        }
        &'hookcat;help;help'= {
        }
    ]
    $completions[$command]
}
