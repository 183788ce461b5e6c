[ (builtins.match "(a{1000}){99}" "") ]
