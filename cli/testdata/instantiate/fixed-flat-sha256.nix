derivation { name = "fixed-flat"; builder = "/bin/sh"; system = "x86_64-linux"; outputHashAlgo = "sha256"; outputHash = "0c7gcr1b1n6a4cf2ppkxm5i3x2c0hzj1jzjvhfnr8x9cyhhbxy5g"; }
