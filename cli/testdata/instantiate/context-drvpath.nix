let a = derivation { name = "ctxd-a"; builder = "/bin/sh"; system = "x86_64-linux"; }; in derivation { name = "ctxd-b"; builder = "/bin/sh"; system = "x86_64-linux"; drv = a.drvPath; }
