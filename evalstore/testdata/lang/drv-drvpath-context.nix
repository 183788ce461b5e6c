derivationStrict { name = "x"; builder = "/bin/sh"; system = "x"; x = (derivation { name = "y"; builder = "/bin/sh"; system = "x"; }).drvPath; }
