{
  plain = builtins.path { path = ./src; };
  named = builtins.path { path = ./src; name = "source"; };
  emptyName = builtins.path { path = ./src; name = ""; };
  str = builtins.path { path = toString ./src; };
  flat = builtins.path { path = ./src/file; recursive = false; };
  flatLink = builtins.path { path = ./src/link; recursive = false; };
  recLink = builtins.path { path = ./src/link; };
  viaLink = builtins.path { path = ./src/link; name = "viaLink"; };
  filtered = builtins.path {
    path = ./src;
    filter = path: type: type != "symlink" && baseNameOf path != "skip.o";
  };
  filterTrace = builtins.path {
    path = ./src;
    name = "traced";
    filter = path: type: builtins.trace "${baseNameOf path} ${type}" (type != "directory");
  };
  hashed = builtins.path {
    path = ./src/file;
    recursive = false;
    sha256 = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  };
  ctx = builtins.getContext (builtins.path { path = ./src; });
}
