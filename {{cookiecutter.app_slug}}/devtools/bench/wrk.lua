-- wrk script for bench/run.py: the request comes from the environment, and the summary is
-- printed as one JSON line (wrk's own report has no p95).
-- BENCH_SESSIONS holds one "cookie<TAB>csrf token" line per logged-in user; each request
-- takes the next user's session, so the load is many people, not one.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local sessions = {}
for line in (os.getenv("BENCH_SESSIONS") or ""):gmatch("[^\n]+") do
  local cookie, csrf = line:match("^([^\t]*)\t(.*)$")
  sessions[#sessions + 1] = { cookie = cookie, csrf = csrf }
end
local next_session = 0

function request()
  local headers = {}
  if body ~= "" then headers["Content-Type"] = "application/json" end
  if #sessions > 0 then
    next_session = next_session % #sessions + 1
    local session = sessions[next_session]
    headers["Cookie"] = session.cookie
    if method ~= "GET" then headers["X-CSRF-Token"] = session.csrf end
  end
  return wrk.format(method, nil, headers, body ~= "" and body or nil)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
