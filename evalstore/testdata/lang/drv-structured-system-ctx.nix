derivation { name = "e"; builder = "/bin/sh"; system = "${./src/file}"; __structuredAttrs = true; }
