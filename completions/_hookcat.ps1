
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'hookcat' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'hookcat'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'hookcat' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers a provider would send for a body')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a webhook signature, and say why it fails')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay captured requests, byte-exact or re-signed, to a URL')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List and show the built-in event catalog')
            [CompletionResult]::new('captures', 'captures', [CompletionResultType]::ParameterValue, 'List, show, export, compare and prune captured requests')
            [CompletionResult]::new('ui', 'ui', [CompletionResultType]::ParameterValue, 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a secret or key pair in a provider''s format')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;send' {
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'A catalog event, `provider.event` (see `hookcat events list`)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'A catalog event, `provider.event` (see `hookcat events list`)')
            [CompletionResult]::new('-d', '-d', [CompletionResultType]::ParameterName, 'Send this body instead of an event: a file, or `-` for standard input')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Send this body instead of an event: a file, or `-` for standard input')
            [CompletionResult]::new('--content-type', '--content-type', [CompletionResultType]::ParameterName, 'The Content-Type of --data (default: guessed from the body)')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Change a field of the body: a dotted path or JSON pointer that exists; VALUE is JSON if it parses, else a string')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Add a field to the body (creating the objects on its path), as --set does for one that exists')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header, `Name: value` (repeatable)')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event''s, or POST)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'The HTTP method (any HTTP token: POST, PUT, PURGE, …; default: the event''s, or POST)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Sign with this scheme instead of the event''s provider scheme (`none` sends unsigned)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM)')
            [CompletionResult]::new('--print', '--print', [CompletionResultType]::ParameterName, 'Print an equivalent command instead of sending')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Load mode: send N requests')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Load mode: send N requests')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Load mode (with --count): requests in flight at once. [default: 10]')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Load mode (with --count): requests in flight at once. [default: 10]')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Load mode (with --count): at most R requests per second (`100`, `100/s` or `6000/m`)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A config file (default: ./hookcat.toml, then the user''s config dir)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'A named target from the config file (`[targets.NAME]`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file (`[targets.NAME]`)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-attempt timeout (or a config target''s `timeout`). [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print exactly what would be sent and send nothing')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Show credential headers (Authorization, Cookie, X-Api-Key, …) in --dry-run, --print curl and -v instead of masking them')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per attempt, then a summary (load mode: the summary alone)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Show response headers and the whole response body')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Show response headers and the whole response body')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt, even on a terminal')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;listen' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The port (0 picks a free one)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port (0 picks a free one)')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The address to bind. Anything but loopback is reachable from the network')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'Verify each request with this scheme (`auto` detects it per request)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The public URL the sender calls, for schemes that sign the URL (Twilio, Square); whole: `https://…`')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Answer with this status')
            [CompletionResult]::new('--body', '--body', [CompletionResultType]::ParameterName, 'Answer with this body (`@FILE` reads a file)')
            [CompletionResult]::new('--response-header', '--response-header', [CompletionResultType]::ParameterName, 'Add a response header, `Name: value` (repeatable)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Wait this long before answering')
            [CompletionResult]::new('--fail-first', '--fail-first', [CompletionResultType]::ParameterName, 'Answer 500 to the first N requests, then normally')
            [CompletionResult]::new('--fail-rate', '--fail-rate', [CompletionResultType]::ParameterName, 'Answer 500 to this fraction of requests (0.0 to 1.0)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed for --fail-rate, to repeat a run')
            [CompletionResult]::new('--status-sequence', '--status-sequence', [CompletionResultType]::ParameterName, 'Answer these statuses in turn, then the last one forever (e.g. 500,429,200)')
            [CompletionResult]::new('--retry-after', '--retry-after', [CompletionResultType]::ParameterName, 'Send Retry-After: SECS with 429 and 503 answers')
            [CompletionResult]::new('--forward-to', '--forward-to', [CompletionResultType]::ParameterName, 'Relay each request to the app at URL (`localhost:3000`, `:3000` and `3000` work too) and answer with its response. The app gets the original Host, X-Forwarded-For, -Proto and -Host, and answers provider handshakes itself (checked). The Behaviour flags do nothing then: they are refused with it')
            [CompletionResult]::new('--forward-timeout', '--forward-timeout', [CompletionResultType]::ParameterName, 'How long the app has to answer a forwarded request; then the sender gets 504')
            [CompletionResult]::new('--max-body', '--max-body', [CompletionResultType]::ParameterName, 'Largest body accepted; larger gets 413')
            [CompletionResult]::new('--max-inflight', '--max-inflight', [CompletionResultType]::ParameterName, 'Bytes that request bodies in flight may hold in total (never less than --max-body); beyond it requests wait, then get 503')
            [CompletionResult]::new('--inflight-wait', '--inflight-wait', [CompletionResultType]::ParameterName, 'How long a request waits for room in --max-inflight before its 503')
            [CompletionResult]::new('--allow-ip', '--allow-ip', [CompletionResultType]::ParameterName, 'Only accept clients in this CIDR range (repeatable); others get 403, are not saved and are counted')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'At most N requests per second per client IP; more get 429')
            [CompletionResult]::new('--require-header', '--require-header', [CompletionResultType]::ParameterName, 'Require this header (`Name: value`); requests without it get 401')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'Cut off a client that has not sent its headers within this time (slow-loris guard)')
            [CompletionResult]::new('--body-timeout', '--body-timeout', [CompletionResultType]::ParameterName, 'Answer 408 when a request body has not arrived within this time')
            [CompletionResult]::new('--cert', '--cert', [CompletionResultType]::ParameterName, 'TLS certificate chain (PEM)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'TLS private key (PEM)')
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Append captures to this JSON Lines file (default: the user''s data directory)')
            [CompletionResult]::new('--ui-port', '--ui-port', [CompletionResultType]::ParameterName, 'The inspector''s port, on 127.0.0.1 only (0 picks a free one)')
            [CompletionResult]::new('--expect', '--expect', [CompletionResultType]::ParameterName, 'Exit 0 once N requests arrived; 1 if --timeout passes first')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --expect: how long to wait')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--reject-invalid', '--reject-invalid', [CompletionResultType]::ParameterName, 'Answer 401 to requests whose signature fails')
            [CompletionResult]::new('--hang', '--hang', [CompletionResultType]::ParameterName, 'Never answer (the sender times out). The request is still recorded')
            [CompletionResult]::new('--drop', '--drop', [CompletionResultType]::ParameterName, 'Close the connection without answering. The request is still recorded')
            [CompletionResult]::new('--no-handshake', '--no-handshake', [CompletionResultType]::ParameterName, 'Do not answer provider handshakes (Slack url_verification, Twitch, Zoom) automatically')
            [CompletionResult]::new('--rewrite-host', '--rewrite-host', [CompletionResultType]::ParameterName, 'Send the app its own host:port as Host (for an app that routes by Host) instead of the original Host')
            [CompletionResult]::new('--tls', '--tls', [CompletionResultType]::ParameterName, 'Serve HTTPS with a self-signed certificate made at start (or --cert/--key)')
            [CompletionResult]::new('--no-save', '--no-save', [CompletionResultType]::ParameterName, 'Keep nothing')
            [CompletionResult]::new('--fsync', '--fsync', [CompletionResultType]::ParameterName, 'fsync the capture log after each batch of records')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request on stdout (the capture record plus "type": "request")')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Only the summary line per request')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Only the summary line per request')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Also print headers')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Also print headers')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them')
            [CompletionResult]::new('--ui', '--ui', [CompletionResultType]::ParameterName, 'Open the inspector: a local web page where captures appear as they arrive, with their verdict, and can be replayed (re-signed), exported and compared. Its URL, with a private token, is printed after the listener''s address')
            [CompletionResult]::new('--once', '--once', [CompletionResultType]::ParameterName, 'Exit 0 after the first request (--expect 1)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;sign' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The signature scheme (see `hookcat sign --help` for the list)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`')
            [CompletionResult]::new('--timestamp', '--timestamp', [CompletionResultType]::ParameterName, 'The timestamp to sign, in unix seconds (default: now)')
            [CompletionResult]::new('--id', '--id', [CompletionResultType]::ParameterName, 'The message / delivery id to sign (default: a fresh one)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the headers as one JSON object')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;verify' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The signature scheme, or `auto` to detect it from the headers')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'The URL the request goes to (Twilio and Square sign it), whole: `https://…`')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A request header, `Name: value` (repeatable)')
            [CompletionResult]::new('--headers-file', '--headers-file', [CompletionResultType]::ParameterName, 'Read headers from a file: a raw HTTP header block, or a capture record (JSON)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Check timestamps against this time (unix seconds) instead of the clock')
            [CompletionResult]::new('--tolerance', '--tolerance', [CompletionResultType]::ParameterName, 'Timestamp tolerance in seconds, overriding the provider''s (0 turns the check off)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the verdict, scheme, matched signature and diagnosis as JSON')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more: the verdict also when valid, where the secret came from')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more: the verdict also when valid, where the secret came from')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;replay' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Where to send: an http(s) URL, or as curl takes it (`localhost:3000`, `:3000`, `3000`; http:// is assumed)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N captures (of those the other conditions keep)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The scheme for --resign (`auto` detects it from the captured headers)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--set', '--set', [CompletionResultType]::ParameterName, 'Change a field of a JSON or form body that exists (re-sign it with --resign)')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Add a field to a JSON or form body (re-sign it with --resign)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Per-attempt timeout. [default: 10s]')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Retries after a connect error, timeout, 429 or 5xx (backoff with jitter; Retry-After honoured). [default: 0]')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most R requests per second (`100`, `100/s` or `6000/m`)')
            [CompletionResult]::new('--ignore-field', '--ignore-field', [CompletionResultType]::ParameterName, 'With --compare: a field of the JSON answers not to compare (repeatable), a dotted path (`data.id`, `items.0.at`) or a JSON pointer (`/data/id`). A hookcat listener''s own answer id is always ignored')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every capture in the log')
            [CompletionResult]::new('--resign', '--resign', [CompletionResultType]::ParameterName, 'Sign again with a fresh timestamp and id')
            [CompletionResult]::new('--edit', '--edit', [CompletionResultType]::ParameterName, 'Edit each body in $VISUAL or $EDITOR before sending (re-sign it with --resign)')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('--compare', '--compare', [CompletionResultType]::ParameterName, 'Print, per request, the new answer beside the one recorded at capture time; exit 1 when one differs')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON object per request, then a summary')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;events' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s events')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;events;list' {
            [CompletionResult]::new('--provider', '--provider', [CompletionResultType]::ParameterName, 'Only this provider''s events')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'An array of {name, provider, description, content_type, scheme}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;events;show' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The request as one JSON object')
            [CompletionResult]::new('--raw', '--raw', [CompletionResultType]::ParameterName, 'Print the body byte for byte as `send` sends it (JSON bodies are indented otherwise)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;events;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s events')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;events;help;list' {
            break
        }
        'hookcat;events;help;show' {
            break
        }
        'hookcat;events;help;help' {
            break
        }
        'hookcat;captures' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List captured requests (all of them unless some are selected), each with its short id')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one capture as `listen` prints it, headers included')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;captures;list' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N captures (of those the other conditions keep)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every capture in the log')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'An array of {id, short_id, received_at, method, path, provider, event, size, status, …}')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;captures;show' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The capture record as one JSON line')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;captures;export' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--last', '--last', [CompletionResultType]::ParameterName, 'The last N captures (of those the other conditions keep)')
            [CompletionResult]::new('--filter', '--filter', [CompletionResultType]::ParameterName, 'Keep captures whose KEY matches VALUE (repeatable; keys: provider, event, method, path, status, valid)')
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only captures received at or after TIME (RFC 3339, a date, or a duration ago such as 10m or 3d)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The format to write')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'curl, har: the base URL, the captured path appended (default: the captured Host, over http); `localhost:3000`, `:3000` and `3000` work too')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every capture in the log')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'curl, har and raw on a terminal: put credential headers (Authorization, Cookie, X-Api-Key, …) in instead of masking them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;captures;diff' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--exact', '--exact', [CompletionResultType]::ParameterName, 'Compare bodies byte for byte (key order and whitespace count)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'The differences as one JSON object')
            [CompletionResult]::new('--reveal', '--reveal', [CompletionResultType]::ParameterName, 'Show credential headers (Authorization, Cookie, X-Api-Key, …) instead of masking them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;captures;prune' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'The capture log (default: the listener''s default log)')
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Remove captures received before this: a duration ago (7d, 12h, 90m), a date or an RFC 3339 time')
            [CompletionResult]::new('--keep', '--keep', [CompletionResultType]::ParameterName, 'Keep at most the newest N captures')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;captures;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List captured requests (all of them unless some are selected), each with its short id')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one capture as `listen` prints it, headers included')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;captures;help;list' {
            break
        }
        'hookcat;captures;help;show' {
            break
        }
        'hookcat;captures;help;export' {
            break
        }
        'hookcat;captures;help;diff' {
            break
        }
        'hookcat;captures;help;prune' {
            break
        }
        'hookcat;captures;help;help' {
            break
        }
        'hookcat;ui' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'The port, on 127.0.0.1 only (0 picks a free one)')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The port, on 127.0.0.1 only (0 picks a free one)')
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The scheme replays are re-signed with (default: told from each capture)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;keygen' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The scheme whose secret or key pair to make')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print as JSON')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;demo' {
            [CompletionResult]::new('--save', '--save', [CompletionResultType]::ParameterName, 'Keep the demo''s capture log at this path (default: a temporary file, removed after)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;man' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;check' {
            [CompletionResult]::new('--scheme', '--scheme', [CompletionResultType]::ParameterName, 'The provider''s scheme (default: the event''s)')
            [CompletionResult]::new('-e', '-e', [CompletionResultType]::ParameterName, 'The catalog event the deliveries carry (default: the scheme''s first event)')
            [CompletionResult]::new('--event', '--event', [CompletionResultType]::ParameterName, 'The catalog event the deliveries carry (default: the scheme''s first event)')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Read the secret from this environment variable (best in CI)')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Read the secret from a file; one trailing newline is stripped')
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'The secret itself. Visible in shell history and `ps`: prefer --secret-env or --secret-file')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'generic scheme: the hash (sha1, sha256, sha512)')
            [CompletionResult]::new('--encoding', '--encoding', [CompletionResultType]::ParameterName, 'generic scheme: how the MAC is written (hex or base64)')
            [CompletionResult]::new('--header-name', '--header-name', [CompletionResultType]::ParameterName, 'generic scheme: the header that carries the signature')
            [CompletionResult]::new('--prefix', '--prefix', [CompletionResultType]::ParameterName, 'generic scheme: a literal prefix before the signature, e.g. `sha256=`')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'Add a header to every request, `Name: value` (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'Add a header to every request, `Name: value` (repeatable)')
            [CompletionResult]::new('--public-url', '--public-url', [CompletionResultType]::ParameterName, 'The URL the provider calls, when not URL (a proxy, a tunnel), for schemes that sign the URL (Twilio, Square); whole: `https://…`')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Use this instead of the provider''s delivery timeout')
            [CompletionResult]::new('--requests', '--requests', [CompletionResultType]::ParameterName, 'The latency case: how many deliveries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'The latency case: how many at once')
            [CompletionResult]::new('--only', '--only', [CompletionResultType]::ParameterName, 'Run only these cases (comma-separated or repeated)')
            [CompletionResult]::new('--skip', '--skip', [CompletionResultType]::ParameterName, 'Skip these cases (comma-separated or repeated)')
            [CompletionResult]::new('--cacert', '--cacert', [CompletionResultType]::ParameterName, 'Trust this CA certificate (PEM)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A config file (default: ./hookcat.toml, then the user''s config dir)')
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'A named target from the config file (`[targets.NAME]`)')
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'A named target from the config file (`[targets.NAME]`)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour: auto (a terminal, NO_COLOR unset, TERM not dumb), always, never')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Count warnings as failures')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List the cases and send nothing')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'One JSON document with every case and a summary')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('--insecure', '--insecure', [CompletionResultType]::ParameterName, 'Accept any TLS certificate (for a self-signed local receiver)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'hookcat;help' {
            [CompletionResult]::new('send', 'send', [CompletionResultType]::ParameterValue, 'Send a realistic, correctly signed test event (or any body) to a URL, with retries and a load mode')
            [CompletionResult]::new('listen', 'listen', [CompletionResultType]::ParameterValue, 'Run a local capture listener: print, verify, save byte-exact, misbehave on purpose, forward')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Print the signature headers a provider would send for a body')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Verify a webhook signature, and say why it fails')
            [CompletionResult]::new('replay', 'replay', [CompletionResultType]::ParameterValue, 'Replay captured requests, byte-exact or re-signed, to a URL')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'List and show the built-in event catalog')
            [CompletionResult]::new('captures', 'captures', [CompletionResultType]::ParameterValue, 'List, show, export, compare and prune captured requests')
            [CompletionResult]::new('ui', 'ui', [CompletionResultType]::ParameterValue, 'Open the inspector (a local web page) over a capture log: browse, replay, export, compare')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate a secret or key pair in a provider''s format')
            [CompletionResult]::new('demo', 'demo', [CompletionResultType]::ParameterValue, 'Show the whole loop: a listener, a sender, valid, tampered and retried deliveries')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, zsh, fish, powershell, elvish)')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check a webhook receiver: forged, tampered, stale, retried, rotated, slow deliveries and the handshake')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'hookcat;help;send' {
            break
        }
        'hookcat;help;listen' {
            break
        }
        'hookcat;help;sign' {
            break
        }
        'hookcat;help;verify' {
            break
        }
        'hookcat;help;replay' {
            break
        }
        'hookcat;help;events' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the catalog''s events')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the rendered request of an event (fresh ids and timestamps), a JSON body indented for reading')
            break
        }
        'hookcat;help;events;list' {
            break
        }
        'hookcat;help;events;show' {
            break
        }
        'hookcat;help;captures' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List captured requests (all of them unless some are selected), each with its short id')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one capture as `listen` prints it, headers included')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Export captures as curl commands, HAR 1.2, raw HTTP or JSON')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Compare two captures: headers and body (JSON-aware). Exit 0 when identical, 1 when they differ')
            [CompletionResult]::new('prune', 'prune', [CompletionResultType]::ParameterValue, 'Remove old captures from a log, by age, by count or both. Refused while a listener writes to the log')
            break
        }
        'hookcat;help;captures;list' {
            break
        }
        'hookcat;help;captures;show' {
            break
        }
        'hookcat;help;captures;export' {
            break
        }
        'hookcat;help;captures;diff' {
            break
        }
        'hookcat;help;captures;prune' {
            break
        }
        'hookcat;help;ui' {
            break
        }
        'hookcat;help;keygen' {
            break
        }
        'hookcat;help;demo' {
            break
        }
        'hookcat;help;completions' {
            break
        }
        'hookcat;help;man' {
            break
        }
        'hookcat;help;check' {
            break
        }
        'hookcat;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
