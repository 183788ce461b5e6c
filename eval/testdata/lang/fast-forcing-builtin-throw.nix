# Type predicates evaluate their argument at once instead of suspending
# it; a failure must read as when the builtin forces a thunk.
let f = y: builtins.isInt (y.a); in f { }
