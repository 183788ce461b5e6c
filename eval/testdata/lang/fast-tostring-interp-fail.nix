let f = x: "v=${toString x}"; in f { }
