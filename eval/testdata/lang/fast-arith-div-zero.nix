let a = 1; b = 0; f = x: y: x / y; in f a b
