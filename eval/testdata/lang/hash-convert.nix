with builtins; let h = hashString "sha256" "x"; in [
  (convertHash { hash = h; hashAlgo = "sha256"; toHashFormat = "sri"; })
  (convertHash { hash = h; hashAlgo = "sha256"; toHashFormat = "nix32"; })
  (convertHash { hash = h; hashAlgo = "sha256"; toHashFormat = "base64"; })
  (convertHash { hash = "sha256:${h}"; toHashFormat = "base16"; })
  (convertHash { hash = "sha256-LYCA5bbtK1VTiv0TYFdGQ8VmV7RtHGgZlWq0EzXcmGA="; toHashFormat = "base16"; })
  (convertHash { hash = "md5:00000000000000000000000000000000"; toHashFormat = "nix32"; })
  (convertHash { hash = "sha1:0000000000000000000000000000000000000000"; toHashFormat = "base64"; })
  (convertHash { hash = "sha512-" + convertHash { hash = hashString "sha512" ""; hashAlgo = "sha512"; toHashFormat = "base64"; }; toHashFormat = "nix32"; })
]
