# The left operand is forced first, even when the right one is cheap.
let x = throw "left"; y = 2; in x - y
