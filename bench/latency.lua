-- Per-request latency for wrk, measured by the script itself, in steady state only.
--
-- Why not wrk's own latency statistics: on this machine they break Little's law (e.g. an average
-- of 156 ms at 6,600 req/s over 64 connections, where 64 / 6,600 = 9.7 ms is the most possible),
-- so they cannot judge "p99 within 100 ms of the delay". Here each request carries its own
-- X-Request-ID (the sandbox echoes it), its send time is taken from the monotonic clock through
-- LuaJIT's FFI, and the response's X-Request-ID finds it again.
--
-- Arguments (after `--`): warm-up seconds, ramp seconds, connections per thread.
-- - ramp: each connection's first request waits a random 0..ramp s, so the connections are
--   spread over one delay period instead of all firing in the same millisecond (a load
--   generator's ramp-up; with no ramp, 10,000 first requests queue behind each other and the
--   whole run keeps that phase);
-- - warm-up: requests sent before it are not counted.
-- A script that defines `make_request(n)` before this one can vary the request; otherwise
-- wrk.method, wrk.path, wrk.headers and wrk.body are sent.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

-- Globals so that done() can read them from each thread.
starts, hist, sent, firsts = {}, {}, 0, 0
local t0, warm_ms, ramp_ms, per_thread = 0, 0, 0, 0

function init(args)
  t0 = now_ms()
  warm_ms = tonumber(args[1] or "0") * 1000
  ramp_ms = tonumber(args[2] or "0") * 1000
  per_thread = tonumber(args[3] or "0")
  math.randomseed(1000 + tid)
end

function delay()
  if firsts < per_thread then
    firsts = firsts + 1
    return math.random(0, ramp_ms)
  end
  return 0
end

function request()
  sent = sent + 1
  local id = "b" .. tid .. "-" .. sent
  starts[id] = now_ms()
  wrk.headers["X-Request-ID"] = id
  if make_request then
    return make_request(sent)
  end
  return wrk.format()
end

function response(status, headers, body)
  local id = headers["X-Request-ID"]
  local started = id and starts[id]
  if started then
    starts[id] = nil
    if started - t0 >= warm_ms then
      -- 1 ms buckets: enough to tell 100 ms from the delay, and bounded in size.
      local bucket = math.floor(now_ms() - started)
      hist[bucket] = (hist[bucket] or 0) + 1
    end
  end
end

function done(summary, latency, requests)
  local all, total = {}, 0
  for _, thread in ipairs(threads) do
    for bucket, count in pairs(thread:get("hist")) do
      all[bucket] = (all[bucket] or 0) + count
      total = total + count
    end
  end
  local buckets = {}
  for bucket in pairs(all) do buckets[#buckets + 1] = bucket end
  table.sort(buckets)
  local out, marks, index, seen = {}, { 50, 90, 99, 99.9, 100 }, 1, 0
  for _, bucket in ipairs(buckets) do
    seen = seen + all[bucket]
    while index <= #marks and seen >= marks[index] / 100 * total do
      out[#out + 1] = string.format("p%s=%d", marks[index], bucket + 1)
      index = index + 1
    end
  end
  io.write(string.format("STEADY-LATENCY n=%d %s\n", total, table.concat(out, " ")))
end
