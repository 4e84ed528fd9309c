-- One wrk script for every scenario of bench/web.py; the scenario comes from the environment:
--   BENCH_HOST, BENCH_PATH, BENCH_TOKEN (optional Bearer), BENCH_KIND = get | workout | booking
--   workout: BENCH_EXERCISE (an exercise id)          -> a fresh idempotency key per request
--   booking: BENCH_TRAINERS ("1,2,..", one per thread), BENCH_CLIENT, BENCH_TYPE, BENCH_FIRST (a UTC midnight, epoch s)
--            -> each thread books its own trainer's next half hour: distinct slots, no contention
-- done() prints one JSON line (requests/s, latency percentiles in ms, status counts) for the runner.
local kind = os.getenv("BENCH_KIND") or "get"
local host = os.getenv("BENCH_HOST") or "localhost"
local path = os.getenv("BENCH_PATH") or "/"
local token = os.getenv("BENCH_TOKEN") or ""

local threads = {}
local made = 0

function setup(thread)
  made = made + 1
  thread:set("index", made)
  table.insert(threads, thread)
end

function init(args)
  ok, conflict, other, sent = 0, 0, 0, 0
  math.randomseed(index * 7919 + os.time())
  wrk.headers["Host"] = host
  if token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  if kind ~= "get" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
  if kind == "booking" then
    local ids = {}
    for id in string.gmatch(os.getenv("BENCH_TRAINERS"), "%d+") do table.insert(ids, id) end
    trainer = ids[((index - 1) % #ids) + 1]
  end
end

local function hex(digits)
  local out = ""
  for _ = 1, digits do out = out .. string.format("%x", math.random(0, 15)) end
  return out
end

function request()
  sent = sent + 1
  if kind == "workout" then
    local key = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-a" .. hex(3) .. "-" .. hex(12)
    local ex = os.getenv("BENCH_EXERCISE")
    local body = '{"idempotency_key":"' .. key .. '","name":"Bench session","exercises":[{"exercise_id":' .. ex ..
      ',"sets":[{"reps":5,"load":100,"rpe":8},{"reps":5,"load":100,"rpe":8.5},{"reps":5,"load":100,"rpe":9}]}]}'
    return wrk.format(nil, path, nil, body)
  elseif kind == "booking" then
    -- 32 half hours a day from 06:00 (the trainers work 06:00-22:00 every day, studio in UTC)
    local n = sent - 1
    local at = tonumber(os.getenv("BENCH_FIRST")) + math.floor(n / 32) * 86400 + 6 * 3600 + (n % 32) * 1800
    local body = '{"trainer_id":' .. trainer .. ',"client_id":' .. os.getenv("BENCH_CLIENT") ..
      ',"appointment_type_id":' .. os.getenv("BENCH_TYPE") ..
      ',"starts_at":"' .. os.date("!%Y-%m-%dT%H:%M:%SZ", at) .. '"}'
    return wrk.format(nil, path, nil, body)
  end
  return wrk.format(nil, path)
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 409 then conflict = conflict + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local good, conflicts, bad = 0, 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("ok")
    conflicts = conflicts + thread:get("conflict")
    bad = bad + thread:get("other")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"p50":%.3f,"p95":%.3f,"p99":%.3f,"ok":%d,"conflict":%d,' ..
    '"other":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, good, conflicts, bad, e.connect + e.read + e.write + e.timeout))
end
