/**
 * Two token buckets (tenant, client) checked and charged in one atomic step: a request is admitted
 * only when both have a token, and neither is charged otherwise. Time comes from the Redis server so
 * every gateway replica refills against the same clock.
 *
 * KEYS[1] tenant bucket, KEYS[2] client bucket; ARGV[1] tenant limit/min, ARGV[2] client limit/min.
 * Returns { allowed, tenant limit, tenant remaining, tenant ms-to-full, tenant ms-to-next-token,
 *           client limit, client remaining, client ms-to-full, client ms-to-next-token }.
 */
export const TOKEN_BUCKET_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function refill(key, limit)
  local h = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(h[1])
  local ts = tonumber(h[2])
  if tokens == nil or ts == nil then
    return limit
  end
  local elapsed = now - ts
  if elapsed < 0 then elapsed = 0 end
  return math.min(limit, tokens + elapsed * limit / 60000)
end
local function store(key, limit, tokens)
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil((limit - tokens) * 60000 / limit) + 1000)
end
local function msTo(limit, tokens, target)
  if tokens >= target then return 0 end
  return math.ceil((target - tokens) * 60000 / limit)
end
local tl = tonumber(ARGV[1])
local cl = tonumber(ARGV[2])
local tt = refill(KEYS[1], tl)
local ct = refill(KEYS[2], cl)
local allowed = 0
if tt >= 1 and ct >= 1 then
  allowed = 1
  tt = tt - 1
  ct = ct - 1
end
store(KEYS[1], tl, tt)
store(KEYS[2], cl, ct)
return { allowed, tl, math.floor(tt), msTo(tl, tt, tl), msTo(tl, tt, 1), cl, math.floor(ct), msTo(cl, ct, cl), msTo(cl, ct, 1) }
`;
