-- wrk script: POST the body in $BODY_FILE (default bench/body1k.json) as JSON, with
-- the X-Hub-Signature-256 header from $SIGNATURE when set (the same request for every
-- target, so webhook's HMAC rule passes and nobody gets a different request).
local path = os.getenv("BODY_FILE") or "bench/body1k.json"
local f = assert(io.open(path, "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
local sig = os.getenv("SIGNATURE")
if sig and sig ~= "" then
  wrk.headers["X-Hub-Signature-256"] = sig
end
