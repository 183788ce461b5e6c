derivation { name = "unicode"; builder = "/bin/sh"; system = "x86_64-linux"; text = "héllo ✓ \"quoted\" back\\slash\ttab\nnewline"; }
