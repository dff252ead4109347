-- coroutines: generators, status, passing values, errors, close, yields across pcall
local function gen(n)
    return coroutine.wrap(function()
        for i = 1, n do coroutine.yield(i) end
    end)
end
local acc = {}
for v in gen(5) do acc[#acc + 1] = v end
print(table.concat(acc, ","))

local co = coroutine.create(function(a, b)
    print("start", a, b)
    local c = coroutine.yield(a + b)
    print("got", c)
    local d, e = coroutine.yield(c * 2)
    print("got", d, e)
    return "done", 99
end)
print(coroutine.status(co))
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, "x", "y"))
print(coroutine.status(co), coroutine.resume(co))

-- errors inside coroutines
local bad = coroutine.create(function() local x = nil; return x.field end)
print(coroutine.resume(bad))
print(coroutine.status(bad))
local bad2 = coroutine.create(function() error({code = 7}) end)
local ok, err = coroutine.resume(bad2)
print(ok, type(err), err.code)
local w = coroutine.wrap(function() error("wrapped failure") end)
print(pcall(w))

-- yield across pcall (5.4 allows it)
local co2 = coroutine.create(function()
    local ok2, v = pcall(function()
        local got = coroutine.yield("from inside pcall")
        error("after yield: " .. got)
    end)
    coroutine.yield(ok2, v)
    return "end"
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2, "resumed"))
print(coroutine.resume(co2))

-- yield across a metamethod and a sort comparator is not allowed from C: check the message
local co3 = coroutine.create(function()
    table.sort({3, 2, 1}, function(a, b) coroutine.yield() return a < b end)
end)
print(coroutine.resume(co3))

-- isyieldable, running, close
print(coroutine.isyieldable(), select(2, coroutine.running()))
local co4 = coroutine.create(function()
    print("inner yieldable", coroutine.isyieldable(), select(2, coroutine.running()))
    local t <close> = setmetatable({}, {__close = function() print("closing on coroutine.close") end})
    coroutine.yield(1)
end)
coroutine.resume(co4)
print(coroutine.close(co4), coroutine.status(co4))

-- producer/consumer pipeline
local function producer()
    return coroutine.create(function()
        for _, w in ipairs({"alpha", "beta", "gamma", "delta"}) do coroutine.yield(w) end
    end)
end
local function filter(src)
    return coroutine.create(function()
        while true do
            local ok3, v = coroutine.resume(src)
            if not v then return end
            coroutine.yield(v:upper())
        end
    end)
end
local f = filter(producer())
while true do
    local _, v = coroutine.resume(f)
    if not v then break end
    io.write(v, " ")
end
print()

-- many coroutines alive at once
local cos = {}
for i = 1, 1000 do
    cos[i] = coroutine.create(function(x) local y = coroutine.yield(x * 2) return x + y end)
end
local total = 0
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], i); total = total + v end
for i = 1, 1000 do local _, v = coroutine.resume(cos[i], 1); total = total + v end
print("total", total)

-- deep recursion inside a coroutine
local deep = coroutine.wrap(function()
    local function r(n) if n == 0 then return 0 end return 1 + r(n - 1) end
    coroutine.yield(r(10000))
end)
print("deep", deep())
