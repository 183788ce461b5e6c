{
  langVersion = builtins.langVersion;
  nixVersion = builtins.nixVersion;
  storeDir = builtins.storeDir;
  currentSystem = builtins.currentSystem;
  currentTimeIsInt = builtins.isInt builtins.currentTime;
  getEnvMissing = builtins.getEnv "CAIRN_SURELY_UNSET_VARIABLE";
  toPath = builtins.toPath "/a/b/../c//d/";
  toPathPath = builtins.toPath /a/b;
  placeholderOut = builtins.placeholder "out";
  placeholderDev = placeholder "dev";
  parse = builtins.parseFlakeRef "github:NixOS/nixpkgs/nixos-24.05?dir=lib";
  parseId = builtins.parseFlakeRef "nixpkgs/a3a3dda3bacf61e8a39258a0ed9c924eeca8e293";
  parseGit = builtins.parseFlakeRef "git+ssh://git@github.com/a/b?ref=main&shallow=1&x=y";
  parsePath = builtins.parseFlakeRef "/a/b?lastModified=3";
  parseTarball = builtins.parseFlakeRef "https://example.org/x.tar.gz?narHash=sha256-AAAA";
  toString = builtins.flakeRefToString { type = "github"; owner = "a"; repo = "b"; ref = "x/y"; dir = "sub dir"; };
  toStringGit = builtins.flakeRefToString { type = "git"; url = "git@github.com:a/b"; shallow = true; submodules = false; };
  toStringPath = builtins.flakeRefToString { type = "path"; path = "/a b"; revCount = 3; };
  toStringIndirect = builtins.flakeRefToString { type = "indirect"; id = "nixpkgs"; ref = "nixos-24.05"; };
  roundTrip = builtins.flakeRefToString (builtins.parseFlakeRef "gitlab:a/b?host=gitlab.example.org");
}
