derivation { name = "tofile"; builder = "/bin/sh"; system = "x86_64-linux"; script = builtins.toFile "script.sh" "echo hi"; }
