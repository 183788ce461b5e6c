let a = derivation { name = "ctx-a"; builder = "/bin/sh"; system = "x86_64-linux"; }; in derivation { name = "ctx-b"; builder = "/bin/sh"; system = "x86_64-linux"; script = "cp ${a}/bin $out"; }
