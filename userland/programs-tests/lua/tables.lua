-- tables: the table library, metatables and metamethods, deterministic iteration
local function sorted_keys(t)
    local ks = {}
    for k in pairs(t) do ks[#ks + 1] = k end
    table.sort(ks, function(a, b)
        if type(a) == type(b) then return a < b end
        return type(a) < type(b)
    end)
    return ks
end
local function dump(t)
    local out = {}
    for _, k in ipairs(sorted_keys(t)) do out[#out + 1] = tostring(k) .. "=" .. tostring(t[k]) end
    return "{" .. table.concat(out, ",") .. "}"
end

local t = {10, 20, 30}
table.insert(t, 40)
table.insert(t, 1, 5)
print(#t, table.concat(t, " "))
print(table.remove(t), table.remove(t, 1), table.concat(t, " "))
print(table.unpack({1, 2, 3}))
print(table.pack(1, nil, 3).n, select("#", table.unpack({1, nil, 3}, 1, 3)))
print(table.concat(table.move({1, 2, 3, 4, 5}, 2, 4, 1), ","))
print(table.concat({1, 2.5, "x"}, "-", 2, 3))

local nums = {}
math.randomseed(42)
for i = 1, 200 do nums[i] = math.random(1, 1000) end
table.sort(nums)
print(nums[1], nums[100], nums[200], #nums)
table.sort(nums, function(a, b) return a > b end)
print(nums[1], nums[100], nums[200])
local names = {"pear", "apple", "fig", "banana", "cherry"}
table.sort(names)
print(table.concat(names, " "))
table.sort(names, function(a, b) return #a < #b or (#a == #b and a < b) end)
print(table.concat(names, " "))

local mixed = {1, 2, 3, x = "a", y = "b", [10] = "ten", [2.5] = "f", [true] = "t"}
print(dump(mixed))
local count = 0
for _ in pairs(mixed) do count = count + 1 end
print("pairs count", count)
for i, v in ipairs({"a", "b", nil, "d"}) do io.write(i, v, " ") end
print()
local big = {}
for i = 1, 10000 do big[i] = i * i end
for i = 1, 10000, 2 do big[i] = nil end
local sum = 0
for k, v in pairs(big) do sum = sum + v end
print("sum of even squares", sum)

-- metatables
local Vec = {}
Vec.__index = Vec
function Vec.new(x, y) return setmetatable({x = x, y = y}, Vec) end
function Vec.__add(a, b) return Vec.new(a.x + b.x, a.y + b.y) end
function Vec.__eq(a, b) return a.x == b.x and a.y == b.y end
function Vec.__lt(a, b) return a:len2() < b:len2() end
function Vec.__le(a, b) return a:len2() <= b:len2() end
function Vec.__tostring(v) return "(" .. v.x .. "," .. v.y .. ")" end
function Vec.__concat(a, b) return tostring(a) .. tostring(b) end
function Vec.__len(v) return 2 end
function Vec.__unm(v) return Vec.new(-v.x, -v.y) end
function Vec.__call(v, k) return v.x * k end
function Vec:len2() return self.x * self.x + self.y * self.y end
local a, b = Vec.new(1, 2), Vec.new(3, 4)
print(tostring(a + b), a == Vec.new(1, 2), a < b, b <= a, #a, tostring(-a), a .. b, a(10))

local log = {}
local proxy = setmetatable({}, {
    __index = function(_, k) log[#log + 1] = "get " .. k; return k .. "!" end,
    __newindex = function(t, k, v) log[#log + 1] = "set " .. k; rawset(t, k, v) end,
})
print(proxy.foo, proxy.bar)
proxy.baz = 1
proxy.baz = 2
print(proxy.baz, rawget(proxy, "foo"), table.concat(log, ";"))

local defaults = setmetatable({}, {__index = {color = "red", size = 3}})
defaults.size = 5
print(defaults.color, defaults.size, rawlen({1, 2}), rawequal(defaults, defaults))

-- __close and __gc
do
    local res <close> = setmetatable({}, {__close = function() print("closed resource") end})
    print("in scope")
end
local gced = 0
for i = 1, 50 do setmetatable({}, {__gc = function() gced = gced + 1 end}) end
collectgarbage()
collectgarbage()
print("finalizers ran", gced)

-- weak tables
local weak = setmetatable({}, {__mode = "k"})
do
    local key = {}
    weak[key] = "v"
end
collectgarbage()
local n = 0
for _ in pairs(weak) do n = n + 1 end
print("weak entries after gc", n)

-- inheritance
local Animal = {}
Animal.__index = Animal
function Animal.new(name) return setmetatable({name = name}, Animal) end
function Animal:speak() return self.name .. " makes a sound" end
local Dog = setmetatable({}, {__index = Animal})
Dog.__index = Dog
function Dog.new(name) return setmetatable(Animal.new(name), Dog) end
function Dog:speak() return self.name .. " barks; " .. Animal.speak(self) end
print(Dog.new("rex"):speak(), getmetatable(Dog.new("x")) == Dog)
print(next({}), type(next), select("#", next({})))
