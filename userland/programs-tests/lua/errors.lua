-- error handling across C frames: pcall/xpcall/error objects, errors raised inside C functions
-- (string.rep, table.sort comparators, gsub callbacks, metamethods, tostring), load errors
local function show(...)
    local t = table.pack(...)
    -- addresses differ between any two builds: print "table: ADDR"
    for i = 1, t.n do t[i] = (tostring(t[i]):gsub("0x%x+", "ADDR")) end
    print(table.concat(t, " | "))
end

show(pcall(string.rep))
show(pcall(string.rep, "x", "y"))
show(pcall(string.rep, {}, 2))
show(pcall(string.format, "%d", 1.5))
show(pcall(string.format, "%d", "x"))
show(pcall(string.char, 256))
show(pcall(math.floor, "a"))
show(pcall(setmetatable, 1, {}))
show(pcall(table.concat, {1, {}, 3}))
show(pcall(table.insert, {}, 1, 2, 3))
show(pcall(ipairs))
show(pcall(error))
show(pcall(error, nil))
show(pcall(error, "plain message"))
show(pcall(error, "no position", 0))
show(pcall(function() error("level 1") end))
show(pcall(function() local function inner() error("level 2", 2) end inner() end))

-- table.sort with failing/invalid comparators
show(pcall(table.sort, {3, 1, 2}, function(a, b) error("comparator failed") end))
show(pcall(table.sort, {3, 1, 2}, function(a, b) error({why = "object"}) end))
local ok, e = pcall(table.sort, {3, 1, "x"})
show(ok, e)
local t = {}
for i = 1, 100 do t[i] = (i * 37) % 101 end
show(pcall(table.sort, t, function(a, b) return true end))

-- error objects
local ok2, obj = pcall(error, {code = 42, msg = "custom"})
show(ok2, type(obj), obj.code, obj.msg)
local E = setmetatable({}, {__tostring = function(s) return "E<" .. s.what .. ">" end})
E.__index = E
E.__tostring = getmetatable(E).__tostring
local ok3, obj3 = pcall(function() error(setmetatable({what = "boom"}, E)) end)
show(ok3, tostring(obj3), getmetatable(obj3) == E)

-- errors in callbacks called from C
show(pcall(string.gsub, "abc", "%w", function(c) if c == "b" then error("bad char " .. c) end end))
show(pcall(string.gsub, "abc", "(", "x"))
show(pcall(string.find, "abc", "[a"))
local mt = {__index = function(_, k) error("no field " .. k) end,
            __add = function() error({op = "add"}) end,
            __tostring = function() error("tostring failed") end}
local obj4 = setmetatable({}, mt)
show(pcall(function() return obj4.missing end))
local okadd, eadd = pcall(function() return obj4 + 1 end)
show(okadd, eadd.op)
show(pcall(tostring, obj4))
show(pcall(function() local x; return x.y end))
show(pcall(function() local x = {}; return x.y.z end))
show(pcall(function() return 1 + {} end))
show(pcall(function() return #5 end))
show(pcall(function() return ("x") < 1 end))
show(pcall(function() local a = "abc"; return a:nosuch() end))
show(pcall(function() return 1 // 0 end))
show(pcall(function() return math.tointeger(2^63) end))
show(pcall(string.rep, "x", -1))

-- xpcall with handlers
show(xpcall(function() error("in xpcall") end, function(m) return "handled: " .. m end))
show(xpcall(function(a, b) return a + b end, print, 2, 3))
show(xpcall(function() error({1, 2, 3}) end, function(m) return #m end))
show(xpcall(function() error("x") end, function() error("handler fails") end))
local tb = select(2, xpcall(function() local x = nil; x() end, debug.traceback))
print((tb:gsub("\n.*", "")))

-- nested pcall, error rethrow, error after partial work
local depth = 0
local function nest(n)
    if n == 0 then error("bottom") end
    local okn, en = pcall(nest, n - 1)
    depth = depth + 1
    error(en, 0)
end
show(pcall(nest, 50), depth)

-- load / syntax errors
show(load("return 1 +"))
show(load("x = = 1", "=chunk"))
show(pcall(load("error('runtime in chunk')", "=loaded")))
show(load(function() return nil end))
local pieces = {"return ", "1 ", "+ 41"}
local i = 0
show(load(function() i = i + 1; return pieces[i] end)())
show(pcall(load, "return 1", "c", "b"))
show(select("#", pcall(error)))

-- errors with non-string values
show(pcall(error, 42))
show(pcall(error, true))
show(pcall(error, 3.5))

-- assert
show(pcall(assert, false))
show(pcall(assert, nil, "assert message"))
show(pcall(assert, 1 == 1, "unused"))
show(pcall(assert, false, {tag = "t"}))

-- stack overflow is catchable
local function inf(n) return 1 + inf(n + 1) end
local okso, eso = pcall(inf, 1)
print(okso, (tostring(eso):gsub("^.-:%d+: ", "")))

-- error in __close and __gc
show(pcall(function()
    local x <close> = setmetatable({}, {__close = function(_, err) error("close error (was: " .. tostring(err) .. ")") end})
    error("original")
end))
print("end of errors")
