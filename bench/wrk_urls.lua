-- wrk script: request the paths listed in the file named by URLS (default bench/urls.txt)
-- in turn, asking for gzip like a browser. Counts non-2xx responses.
local path = os.getenv("URLS") or "bench/urls.txt"
local urls = {}
for line in io.lines(path) do urls[#urls + 1] = line end
local i = 0
request = function()
  i = i % #urls + 1
  return wrk.format("GET", urls[i], { ["Accept-Encoding"] = "gzip" })
end
local bad = 0
response = function(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx/3xx %d, p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
