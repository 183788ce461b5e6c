# <nix/...> paths live in a filesystem of their own: shown as <nix/...>,
# a string of them loses that filesystem.
let p = <nix/fetchurl.nix>; in
{
  shown = p;
  list = [ p ];
  string = toString p;
  appended = p + "/x";
  dir = dirOf p;
  base = baseNameOf p;
  exists = builtins.pathExists p;
  type = builtins.readFileType p;
  listing = builtins.readDir (dirOf p);
  readable = builtins.stringLength (builtins.readFile p) > 0;
  isFunction = builtins.isFunction (import p);
}
