let
  mk = attrs: derivation ({ name = "fixed"; builder = "/bin/sh"; system = "x86_64-linux"; } // attrs);
  flat = mk { outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; };
  recursive = mk { outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; };
  nar = mk { outputHashMode = "nar"; outputHash = "md5-1B2M2Y8AsgTpgAmY7PhCfg=="; };
  sha1 = mk { outputHashMode = "flat"; outputHashAlgo = "sha1"; outputHash = "da39a3ee5e6b4b0d3255bfef95601890afd80709"; };
  sha512 = mk { outputHashAlgo = "sha512"; outputHash = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"; };
  # Fixed outputs hash alike whatever fetches them, so dependents agree.
  other = mk { outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; url = "elsewhere"; };
  user = src: derivation { name = "user"; builder = "/bin/sh"; system = "x86_64-linux"; inherit src; };
in
{
  paths = map (d: [ d.drvPath d.outPath ]) [ flat recursive nar sha1 sha512 other ];
  users = [ (user flat).outPath (user other).outPath (user flat).drvPath (user other).drvPath ];
}
