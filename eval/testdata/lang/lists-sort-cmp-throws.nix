builtins.sort (a: b: if a == 3 then throw "first is 3" else throw "first is not 3") [ 3 1 2 ]
