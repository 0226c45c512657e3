-- bench/wrk/alerts.lua: paced reads of vigil's alert API, for bench/api.sh.
--
--   MODE=mix RATE=200 THREADS=2 VIGIL_TOKEN=vgl_… ORG_TOKEN=vgl_… ORGS_FILE=orgs.txt \
--   MAX_ALERT_ID=1000000 CURSOR=… wrk -t2 -c8 -d30s -s bench/wrk/alerts.lua http://127.0.0.1:8080
--
-- MODE picks the request:
--   first     GET /api/v1/alerts                               (analyst, newest page)
--   critical  GET /api/v1/alerts?status=open&severity=critical (analyst)
--   org       GET /api/v1/alerts?org=CODE                      (analyst, a random organisation)
--   mine      GET /api/v1/alerts                               (org admin: own organisation)
--   next      GET /api/v1/alerts?cursor=CURSOR                 (analyst, the second page)
--   get       GET /api/v1/alerts/ID                            (analyst, a random alert)
--   mix       all of the above, weighted as a sector's analysts and organisations would
--
-- wrk has no rate flag, so delay() paces each thread to RATE/THREADS requests a second
-- on a schedule kept with the monotonic clock (LuaJIT's ffi): a slow response does not
-- lower the rate while there are idle connections to send on, and a late thread catches
-- up without bursting. THREADS must equal wrk's -t; give each thread a few connections.
-- Latency is measured from send to response and excludes the wait. done() prints one
-- RESULT line with the achieved rate, p50/p90/p99 and the count of failed requests
-- (non-2xx and socket errors).

local mode = os.getenv("MODE") or "mix"
local rate = tonumber(os.getenv("RATE") or "200")
local threads = tonumber(os.getenv("THREADS") or "2")
local analyst = "Bearer " .. (os.getenv("VIGIL_TOKEN") or "")
local orgAdmin = "Bearer " .. (os.getenv("ORG_TOKEN") or "")
local maxID = tonumber(os.getenv("MAX_ALERT_ID") or "1")
local cursor = os.getenv("CURSOR") or ""
local interval = threads * 1000 / rate

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } vigil_timespec;
  int clock_gettime(int clock, vigil_timespec *tp);
]]
local ts = ffi.new("vigil_timespec")
local function nowMS()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local orgs = {}
local f = io.open(os.getenv("ORGS_FILE") or "", "r")
if f then
  for line in f:lines() do orgs[#orgs + 1] = line end
  f:close()
end
if #orgs == 0 then orgs[1] = "X26" end

-- mix weights: analysts page through the newest and the open criticals most.
local mixed = {
  { "first", 25 }, { "critical", 20 }, { "org", 20 }, { "mine", 10 }, { "next", 10 }, { "get", 15 },
}

local paths = {
  first = function() return "/api/v1/alerts", analyst end,
  critical = function() return "/api/v1/alerts?status=open&severity=critical", analyst end,
  org = function() return "/api/v1/alerts?org=" .. orgs[math.random(#orgs)], analyst end,
  mine = function() return "/api/v1/alerts", orgAdmin end,
  next = function() return "/api/v1/alerts?cursor=" .. cursor, analyst end,
  get = function() return "/api/v1/alerts/" .. math.random(maxID), analyst end,
}

local function pickMode()
  if mode ~= "mix" then return mode end
  local n = math.random(100)
  for _, m in ipairs(mixed) do
    n = n - m[2]
    if n <= 0 then return m[1] end
  end
  return "first"
end

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
  if not paths[mode] and mode ~= "mix" then
    error("MODE must be one of first, critical, org, mine, next, get, mix; got " .. mode)
  end
end

-- due is when this thread's next request should go out.
local due

function delay()
  local now = nowMS()
  due = math.max((due or now) + interval, now)
  return due - now
end

function request()
  local path, auth = paths[pickMode()]()
  return wrk.format("GET", path, { ["Authorization"] = auth, ["Accept"] = "application/json" })
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local failed = e.connect + e.read + e.write + e.status + e.timeout
  io.write(string.format(
    "RESULT mode=%s requests=%d rate=%.1f/s p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms failed=%d\n",
    mode, summary.requests, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, failed))
end
