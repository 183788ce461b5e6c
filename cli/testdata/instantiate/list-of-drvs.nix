[ (derivation { name = "list-1"; builder = "/bin/sh"; system = "x86_64-linux"; }) (derivation { name = "list-2"; builder = "/bin/sh"; system = "x86_64-linux"; }) ]
