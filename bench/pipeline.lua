-- wrk script for the pipelining scenario: every write sends `depth` GET
-- requests back to back (default 16; `wrk -s pipeline.lua ... -- 16`).
-- wrk counts each response, so Requests/sec counts requests, not batches.

init = function(args)
  local depth = tonumber(args[1]) or 16
  local requests = {}
  for i = 1, depth do
    requests[i] = wrk.format(nil, wrk.path)
  end
  batch = table.concat(requests)
end

request = function()
  return batch
end
