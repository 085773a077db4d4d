export FOO=$(compute_foo)
local x=$(compute_x) y
readonly Z=`compute_z`
