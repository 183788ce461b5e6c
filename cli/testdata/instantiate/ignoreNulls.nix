derivation { name = "ignorenulls"; builder = "/bin/sh"; system = "x86_64-linux"; __ignoreNulls = true; gone = null; kept = "k"; }
