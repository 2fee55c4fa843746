/**
 * A Lua function for scripts that write a tenant's keys only while the tenant is there to be used: its record exists
 * and its deletion has not begun (no `deleting_since`: tenant-store.ts, StoredTenant). A script that calls it on the
 * tenant's record and writes in the same run is ordered against the deletion's first write (beginDeletion): it either
 * ran before, and the deletion finds what it wrote, or after, and wrote nothing. The keys it writes must share the
 * record's slot (`{P:ten:<id>}`: keys.ts) for that on a Redis Cluster.
 */
export const TENANT_IS_LIVE_LUA = `
local function tenantIsLive(recordKey)
  local record = redis.call('GET', recordKey)
  return record ~= false and cjson.decode(record)['deleting_since'] == nil
end
`;
