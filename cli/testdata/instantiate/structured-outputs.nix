derivation { name = "structured-outputs"; builder = "/bin/sh"; system = "x86_64-linux"; __structuredAttrs = true; outputs = [ "out" "bin" ]; outputChecks.out.allowedReferences = [ ]; }
