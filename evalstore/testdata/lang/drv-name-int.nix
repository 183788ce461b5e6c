derivation { name = 1; }
