[ (builtins.warn " " 1) (builtins.warn "\n" 2) ]
