-- io: write, read back with every format, seek, lines, append, errors (paths normalised)
local dir = os.getenv("TESTTMP") or "/tmp"
local function norm(s) return (tostring(s):gsub(dir:gsub("%p", "%%%0"), "$TMP")) end
local path = dir .. "/lua-io-test.txt"

local f = assert(io.open(path, "w"))
print(io.type(f), io.type(io.stdout), io.type(42))
f:write("line one\n", "line two\n", 42, " ", 3.5, "\n")
f:write("0x1F 1e3 -7 nan\n")
for i = 1, 100 do f:write(string.format("%03d:%s\n", i, ("x"):rep(i % 7))) end
f:write("no newline at end")
print(f:seek("cur"), f:seek("set", 0), f:seek("end"))
f:close()
print(io.type(f), pcall(f.write, f, "x"))

f = assert(io.open(path, "r"))
print(f:read("l"))
print(f:read("L"))
print(f:read("n", "n"))
print(f:read("l"))
print(f:read("n", "n", "n"))
print(f:read("l"))
print(f:read(5), f:read(0))
f:seek("set", 5)
print(f:read("l"))
local rest = f:read("a")
print(#rest, rest:sub(-17))
print(f:read("a") == "", f:read("l"), f:read(0))
f:close()

local n, total = 0, 0
for line in io.lines(path) do n = n + 1; total = total + #line end
print("lines", n, "chars", total)
for a, b in io.lines(path, 4, "l") do print("pair", a, b); break end
local cnt = 0
for num in io.lines(path, "n") do cnt = cnt + 1 end
print("leading numbers", cnt)

f = assert(io.open(path, "a"))
f:write("\nappended")
f:close()
f = assert(io.open(path, "rb"))
local all = f:read("a")
f:close()
print(#all, all:sub(-8))

f = assert(io.open(path, "r+"))
f:write("LINE")
f:seek("set", 0)
print(f:read("l"))
f:close()

f = assert(io.open(path, "w+"))
f:setvbuf("full", 1024)
for i = 1, 5000 do f:write(i, "\n") end
f:flush()
f:seek("set", 0)
local s = 0
for v in f:lines("n") do s = s + v end
print("sum", s)
f:close()

-- binary data round trip
local bin = {}
for i = 0, 255 do bin[#bin + 1] = string.char(i) end
bin = table.concat(bin):rep(64)
f = assert(io.open(path, "wb")); f:write(bin); f:close()
f = assert(io.open(path, "rb")); local back = f:read("a"); f:close()
print("binary", #back, back == bin)

-- io.output/io.input redirection
io.output(path)
io.write("via io.write\n")
io.close()
io.output(io.stdout)
io.input(path)
print(io.read("l"))
io.close(io.input())
io.input(io.stdin)

-- errors
local nf, msg, code = io.open(dir .. "/does/not/exist", "r")
print(nf, norm(msg), code)
print(pcall(io.open, path, "rz"))
local okl, el = pcall(io.lines, dir .. "/missing-file")
print(okl, norm(el))
local d = io.open(dir, "r")
if d then print("dir read", d:read("l")) d:close() end
print(os.remove(path), io.open(path) == nil)
io.stdout:write("written to stdout ", 1, " ", 2.0, "\n")
io.stderr:write("")
print("done")
