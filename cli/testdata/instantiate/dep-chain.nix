let mk = n: deps: derivation { name = "chain-${toString n}"; builder = "/bin/sh"; system = "x86_64-linux"; inherit deps; }; a = mk 1 [ ]; b = mk 2 [ a ]; c = mk 3 [ a b ]; in mk 4 [ c b ]
