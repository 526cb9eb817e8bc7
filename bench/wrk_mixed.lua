-- wrk script for the mixed soak: tiles, point queries, profiles and (lines "SITE") site reports
-- of a 500 m square around Leeds Civic Hall with rings 400 and 800 m. Counts 5xx separately.
local path = os.getenv("URLS") or "bench/urls-mixed.txt"
local urls = {}
for line in io.lines(path) do urls[#urls + 1] = line end
local site = '{"type":"Polygon","coordinates":[[[429583,433829],[430083,433829],[430083,434329],[429583,434329],[429583,433829]]]}'
local i = 0
request = function()
  i = i % #urls + 1
  if urls[i] == "SITE" then
    return wrk.format("POST", "/api/site?buffer_m=400,800", { ["Content-Type"] = "application/json" }, site)
  end
  return wrk.format("GET", urls[i], { ["Accept-Encoding"] = "gzip" })
end
local s5, s503 = 0, 0
response = function(status, headers, body)
  if status == 503 then s503 = s503 + 1 elseif status >= 500 then s5 = s5 + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
