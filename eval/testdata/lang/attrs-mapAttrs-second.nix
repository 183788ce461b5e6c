builtins.mapAttrs (n: v: if n == "zzSecondMapped" then v + "x" else v) { aaFirstMapped = 1; zzSecondMapped = 2; }
