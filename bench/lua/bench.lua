-- CPU benchmark for the interpreter rows: recursion, string building/matching, table sort.
-- usage: lua bench.lua [SCALE]   (SCALE 1 = quick, 4 = full). Prints a checksum (same on every build).
local scale = tonumber(arg and arg[1]) or 4

local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function strings(n)
  local parts = {}
  for i = 1, n do parts[#parts + 1] = string.format("%d:%x;", i, i * 2654435761 % 4294967296) end
  local s = table.concat(parts)
  local count, sum = 0, 0
  for a, b in s:gmatch("(%d+):(%x+);") do
    count = count + 1
    sum = (sum + tonumber(a) + tonumber(b, 16)) % 1000000007
  end
  local up = s:upper():gsub("A", "a")
  return count + sum + #up
end

local function sort(n)
  local t, x = {}, 12345
  for i = 1, n do x = (x * 1103515245 + 12345) % 2147483648; t[i] = x end
  table.sort(t)
  local words = {}
  for i = 1, n // 4 do words[i] = tostring(t[i] % 9973) .. "w" end
  table.sort(words, function(a, b) return a > b end)
  return t[1] + t[n] + #words[1]
end

local check = 0
for _ = 1, scale do
  check = (check + fib(25) + strings(60000) + sort(120000)) % 1000000007
end
print("CHECK lua " .. check)
