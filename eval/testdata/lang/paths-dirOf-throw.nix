dirOf (throw "x")
