let a = import ./allowed/a.nix; in { inherit (a) a b; exists = builtins.pathExists ./secret.txt; }
